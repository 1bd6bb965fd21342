import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback port, used from one thread: sends a
/// POST and reads the response whole (Content-Length framing, as the API answers).
final class LoopbackClient {
    private let socket: Int32
    private let head: String
    private var buffer: [UInt8] = []

    init(port: Int, host: String, headers: [String: String]) throws {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchFailure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw BenchFailure("connect: \(errno)")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        self.socket = descriptor
        self.head = "Host: \(host)\r\n" + headers.map { "\($0.key): \($0.value)\r\n" }.joined()
    }

    deinit {
        close(self.socket)
    }

    /// Sends `POST path` with `body` and extra headers; returns the status and body.
    func post(
        _ path: String, body: [UInt8], headers: String
    ) throws -> (status: Int, body: [UInt8]) {
        let requestHead =
            "POST \(path) HTTP/1.1\r\n\(self.head)\(headers)"
            + "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(requestHead.utf8) + body
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes {
                send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw BenchFailure("send: \(errno)") }
            sent += count
        }

        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.headEnd(self.buffer)
            if headEnd == nil { try self.receive() }
        }
        let end = headEnd!
        let head = String(decoding: self.buffer[..<end], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var length = 0
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        while self.buffer.count < end + length {
            try self.receive()
        }
        let answer = Array(self.buffer[end..<(end + length)])
        self.buffer.removeFirst(end + length)
        return (status, answer)
    }

    private func receive() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchFailure("the server closed the connection") }
        self.buffer.append(contentsOf: chunk[..<count])
    }

    /// The offset just past the head's blank line, if the buffer holds it.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13
            && bytes[index + 3] == 10
        {
            return index + 4
        }
        return nil
    }
}
