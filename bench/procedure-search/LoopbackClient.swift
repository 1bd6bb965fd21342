import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback port, used from one thread: sends a GET
/// and reads the response whole (Content-Length framing, as the API answers).
final class LoopbackClient {
    struct ClientError: Error, CustomStringConvertible {
        let description: String
    }

    private let socket: Int32
    private let host: String
    private let headers: String
    private var buffer: [UInt8] = []

    init(port: Int, host: String, headers: [String: String]) throws {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError(description: "socket: \(errno)") }
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
            throw ClientError(description: "connect: \(errno)")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
        self.socket = descriptor
        self.host = host
        self.headers = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
    }

    deinit {
        close(self.socket)
    }

    /// Sends `GET path` and returns the status and body.
    func get(_ path: String) throws -> (status: Int, body: [UInt8]) {
        let request = Array(
            "GET \(path) HTTP/1.1\r\nHost: \(self.host)\r\n\(self.headers)\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes {
                send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw ClientError(description: "send: \(errno)") }
            sent += count
        }

        let end = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(end, in: self.buffer).map { $0 + end.count }
            if headEnd == nil { try self.receive() }
        }
        let head = String(decoding: self.buffer[..<headEnd!], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var length = 0
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        while self.buffer.count < headEnd! + length {
            try self.receive()
        }
        let body = Array(self.buffer[headEnd!..<(headEnd! + length)])
        self.buffer.removeFirst(headEnd! + length)
        return (status, body)
    }

    private func receive() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ClientError(description: "the server closed the connection") }
        self.buffer.append(contentsOf: chunk[..<count])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
