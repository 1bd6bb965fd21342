import Dispatch
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A plain HTTP/1.1 client over loopback for the tests: one connection per request, the
/// `Host` header chosen by the test (that is how the tenant is picked), the response read
/// to the end. Socket calls block, so each exchange runs on a thread of its own: not
/// the test's, and not a dispatch worker, which Swift's global executor shares on Linux.
struct PortalClient: Sendable {
    struct Response: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        func header(_ name: String) -> String? {
            self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var text: String { String(decoding: self.body, as: UTF8.self) }

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
        }

        /// The `field` of each entry of a problem's `errors`.
        var fieldPointers: [String] {
            (self.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        }

        var problemType: String? { self.json["type"] as? String }
    }

    struct ClientError: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    var host: String
    /// Sent with every request: a cookie, a forwarded address.
    var headers: [String: String] = [:]

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Response {
        try await self.send("GET", path, headers: headers)
    }

    func post(
        _ path: String, json: Any? = nil, headers: [String: String] = [:]
    ) async throws -> Response {
        let body =
            try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data("{}".utf8)
        var headers = headers
        headers["Content-Type"] = headers["Content-Type"] ?? "application/json"
        return try await self.send("POST", path, headers: headers, body: Array(body))
    }

    func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []
    ) async throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(self.host)\r\nConnection: close\r\n"
        for (name, value) in self.headers.merging(headers, uniquingKeysWith: { $1 }) {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        let port = self.port

        let raw = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<[UInt8], any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try Self.exchange(request, port: port) })
            }
            thread.start()
        }
        return try Self.parse(raw)
    }

    private static func exchange(_ request: [UInt8], port: Int) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError(description: "socket failed") }
        defer { close(fd) }

        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ClientError(description: "connect failed") }

        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ClientError(description: "write failed") }
            sent += count
        }

        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            response += buffer[0..<count]
        }
        return response
    }

    private static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard
            let end = (0..<max(0, raw.count - 3)).first(where: {
                Array(raw[$0..<$0 + 4]) == separator
            })
        else {
            throw ClientError(description: "no response head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ClientError(description: "bad status line \(head[0])")
        }
        var headers: [(String, String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        return Response(status: status, headers: headers, body: Array(raw[(end + 4)...]))
    }
}
