import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One HTTP/1.1 request on a new loopback connection, blocking the calling thread, with one
/// deadline for the whole exchange. A new connection per request keeps every attempt
/// independent: a retry never rides a connection the balancer or a node has half closed.
struct HTTPExchange {
    /// The answer: status, headers with lower-cased names, body.
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]

        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    /// Why no answer arrived; the request may or may not have reached a node.
    struct Failure: Error, CustomStringConvertible {
        enum Kind: String, Codable {
            case connect, send, timeout, closed, malformed
        }
        let kind: Kind
        let detail: String
        var description: String { "\(self.kind.rawValue): \(self.detail)" }
    }

    let port: Int
    let timeout: Duration

    /// Sends `method path` with `headers` and `body`; the answer or the failure.
    func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []
    ) -> Result<Response, Failure> {
        let deadline = ContinuousClock.now + self.timeout
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(Failure(kind: .connect, detail: "socket failed")) }
        defer { close(fd) }

        if let failure = self.connect(fd, deadline: deadline) { return .failure(failure) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(self.port)\r\n"
        head += "Connection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            head += "\(name): \(value)\r\n"
        }
        let request = Array((head + "\r\n").utf8) + body
        if let failure = Self.write(fd, request, deadline: deadline) { return .failure(failure) }
        return Self.read(fd, deadline: deadline)
    }

    private func connect(_ fd: Int32, deadline: ContinuousClock.Instant) -> Failure? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(self.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result == 0 { return nil }
        guard errno == EINPROGRESS else {
            return Failure(kind: .connect, detail: String(cString: strerror(errno)))
        }
        guard Self.wait(fd, for: Int16(POLLOUT), deadline: deadline) else {
            return Failure(kind: .timeout, detail: "connecting to 127.0.0.1:\(self.port)")
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
            ? nil : Failure(kind: .connect, detail: String(cString: strerror(error)))
    }

    private static func write(
        _ fd: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant
    ) -> Failure? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                guard Self.wait(fd, for: Int16(POLLOUT), deadline: deadline) else {
                    return Failure(kind: .timeout, detail: "sending the request")
                }
            } else {
                return Failure(kind: .send, detail: String(cString: strerror(errno)))
            }
        }
        return nil
    }

    /// Reads until the connection closes or the Content-Length is complete.
    private static func read(
        _ fd: Int32, deadline: ContinuousClock.Instant
    ) -> Result<Response, Failure> {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            if let response = Self.parse(received) { return .success(response) }
            guard received.count < 4 << 20 else {
                return .failure(Failure(kind: .malformed, detail: "answer over 4 MiB"))
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 {
                return Self.parse(received, closed: true).map { .success($0) }
                    ?? .failure(
                        Failure(
                            kind: .closed,
                            detail: "connection closed after \(received.count) bytes"))
            } else if errno == EAGAIN || errno == EINTR {
                guard Self.wait(fd, for: Int16(POLLIN), deadline: deadline) else {
                    return .failure(Failure(kind: .timeout, detail: "waiting for the answer"))
                }
            } else {
                return .failure(Failure(kind: .closed, detail: String(cString: strerror(errno))))
            }
        }
    }

    /// The response in `bytes` once complete; with `closed`, whatever body arrived.
    static func parse(_ bytes: [UInt8], closed: Bool = false) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.firstRange(of: separator) else { return nil }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            .components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        let body = Array(bytes[end.upperBound...])
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else { return nil }
            return Response(status: status, headers: headers, body: Array(body.prefix(length)))
        }
        return closed ? Response(status: status, headers: headers, body: body) : nil
    }

    private static func wait(
        _ fd: Int32, for events: Int16, deadline: ContinuousClock.Instant
    )
        -> Bool
    {
        for _ in 0..<10_000 {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let milliseconds = max(
                1,
                Int32(left.components.seconds * 1000)
                    + Int32(left.components.attoseconds / 1_000_000_000_000_000))
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
        return false
    }
}
