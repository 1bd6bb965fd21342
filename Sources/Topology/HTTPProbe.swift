import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A plain HTTP/1.1 exchange on loopback for health checks (and a JSON POST for checks that
/// write): the status and the body, or nil when nothing answered within the timeout.
public enum HTTPProbe {
    /// What an HTTP server answered.
    public struct Answer: Sendable {
        public let status: Int
        public let body: String
    }

    /// GET `path` from 127.0.0.1:`port`, closing the connection after one exchange.
    public static func get(
        port: Int, path: String, timeout: Duration = .seconds(2)
    ) -> Answer? {
        Self.exchange(port: port, head: "GET \(path)", body: nil, timeout: timeout)
    }

    /// POST `json` to `path` on 127.0.0.1:`port`.
    public static func post(
        port: Int, path: String, json: String, timeout: Duration = .seconds(5)
    ) -> Answer? {
        Self.exchange(port: port, head: "POST \(path)", body: json, timeout: timeout)
    }

    private static func exchange(
        port: Int, head: String, body: String?, timeout: Duration
    ) -> Answer? {
        guard let fd = Self.connect(port: port, timeout: timeout) else { return nil }
        defer { close(fd) }

        var request = "\(head) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body {
            request +=
                "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body
        } else {
            request += "\r\n"
        }
        let sent = request.utf8CString.withUnsafeBufferPointer {
            send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL))
        }
        guard sent == request.utf8.count else { return nil }

        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while response.count < 4 << 20 {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts.first?.split(separator: "\r\n").first ?? ""
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else {
            return nil
        }
        return Answer(status: status, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// True when something accepts a TCP connection on 127.0.0.1:`port`.
    public static func accepts(port: Int, timeout: Duration = .seconds(2)) -> Bool {
        guard let fd = Self.connect(port: port, timeout: timeout) else { return false }
        close(fd)
        return true
    }

    private static func connect(port: Int, timeout: Duration) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        let seconds = timeout.components.seconds
        let micros = timeout.components.attoseconds / 1_000_000_000_000
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(micros))
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, size)

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
