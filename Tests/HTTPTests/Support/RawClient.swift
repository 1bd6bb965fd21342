import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A blocking loopback TCP client that writes and reads raw bytes, so the tests see exactly
/// what goes over the wire.
final class RawClient {
    struct Response {
        var statusCode: Int
        var head: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeout: Duration = .seconds(5)) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            close(fd)
            throw Failure(description: "connect failed: errno \(errno)")
        }

        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit {
        close(self.fd)
    }

    func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(
                    self.fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += written
        }
    }

    /// Reads more bytes into the pending buffer; false on end of stream or error.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        self.pending.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads one response; `bodyless` for answers to HEAD.
    func readResponse(bodyless: Bool = false) throws -> Response {
        var headEnd: Int?
        while true {
            headEnd = self.findHeadEnd()
            if headEnd != nil { break }
            guard self.fill() else {
                throw Failure(
                    description: "connection ended before a response head; got \(self.pendingText)")
            }
        }

        let end = headEnd!
        let head = String(decoding: self.pending[0..<end], as: UTF8.self)
        self.pending.removeSubrange(0..<(end + 4))
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let code = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(lines[0])")
        }
        let headers = lines.dropFirst().map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
        var response = Response(statusCode: code, head: head, headers: headers, body: [])

        let length =
            bodyless || code == 100 ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while self.pending.count < length {
            guard self.fill() else { throw Failure(description: "connection ended inside a body") }
        }
        response.body = Array(self.pending[0..<length])
        self.pending.removeSubrange(0..<length)
        return response
    }

    /// True when the server closes the connection (end of stream or reset) before the
    /// receive timeout and without sending anything more.
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(self.fd, &byte, 1, 0)
        if count == 0 { return self.pending.isEmpty }
        return count < 0 && errno == ECONNRESET
    }

    var pendingText: String { String(decoding: self.pending, as: UTF8.self) }

    private func findHeadEnd() -> Int? {
        guard self.pending.count >= 4 else { return nil }
        for index in 0...(self.pending.count - 4)
        where self.pending[index] == 13 && self.pending[index + 1] == 10
            && self.pending[index + 2] == 13
            && self.pending[index + 3] == 10
        {
            return index
        }
        return nil
    }
}
