import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A small blocking HTTP/1.1 client for the failover protocol: one connection per request
/// (`Connection: close`), JSON in and out, a deadline over the whole exchange, no retries.
/// Agents, `portalctl` and the drills call the coordinator and each other with it.
public struct FailoverHTTPClient: Sendable {
    /// The raw answer to an exchange.
    public struct Response: Sendable {
        public let status: Int
        /// Header names in lower case.
        public let headers: [String: String]
        public let body: [UInt8]
    }

    public let endpoint: HTTPEndpoint
    /// The largest answer accepted.
    public static let maximumResponseBytes = 8 << 20

    /// A client for `endpoint`.
    public init(endpoint: HTTPEndpoint) {
        self.endpoint = endpoint
    }

    /// A client for `http://host:port`.
    public init(url: String) throws(FailoverHTTPError) {
        self.endpoint = try HTTPEndpoint(parsing: url)
    }

    /// POSTs `body` as JSON to `path` and decodes a 2xx answer as `Answer`.
    public func post<Body: Encodable, Answer: Decodable>(
        _ path: String, _ body: Body, as answer: Answer.Type, timeout: Duration
    ) throws(FailoverHTTPError) -> Answer {
        let bytes = [UInt8](StrictJSON.encode(body))
        let response = try self.exchange(method: "POST", path: path, body: bytes, timeout: timeout)
        return try Self.decode(response, as: answer, path: path)
    }

    /// GETs `path` and decodes a 2xx answer as `Answer`.
    public func get<Answer: Decodable>(
        _ path: String, as answer: Answer.Type, timeout: Duration
    ) throws(FailoverHTTPError) -> Answer {
        let response = try self.exchange(method: "GET", path: path, body: nil, timeout: timeout)
        return try Self.decode(response, as: answer, path: path)
    }

    /// Sends one request and returns whatever status came back; throws only when no
    /// complete HTTP answer arrived before `timeout`.
    public func exchange(
        method: String, path: String, body: [UInt8]?, timeout: Duration,
        contentType: String = "application/json"
    ) throws(FailoverHTTPError) -> Response {
        let deadline = ContinuousClock.now + timeout
        let target = "\(self.endpoint)\(path)"
        let fd = try ClientSocket.connect(self.endpoint, deadline: deadline, target: target)
        defer { close(fd) }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(self.endpoint.host):\(self.endpoint.port)"
        head += "\r\nConnection: close\r\nAccept: application/json\r\n"
        if let body {
            head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try ClientSocket.send(Array(head.utf8) + (body ?? []), fd, deadline, target)

        var reader = ResponseReader()
        while true {
            if let response = try reader.response(atEnd: false, target: target) {
                return response
            }
            let chunk = try ClientSocket.receive(fd, deadline, target)
            if chunk.isEmpty {
                guard let response = try reader.response(atEnd: true, target: target) else {
                    throw FailoverHTTPError(.io, "\(target): connection closed before the answer")
                }
                return response
            }
            reader.append(chunk)
            guard reader.count <= Self.maximumResponseBytes else {
                throw FailoverHTTPError(
                    .malformedResponse,
                    "\(target): answer larger than \(Self.maximumResponseBytes) bytes")
            }
        }
    }

    private static func decode<Answer: Decodable>(
        _ response: Response, as answer: Answer.Type, path: String
    ) throws(FailoverHTTPError) -> Answer {
        guard (200..<300).contains(response.status) else {
            let detail = Self.problemDetail(response.body)
            throw FailoverHTTPError(
                .status, "\(path) answered \(response.status): \(detail)",
                status: response.status, detail: detail)
        }
        do {
            return try JSONDecoder().decode(answer, from: Data(response.body))
        } catch let error as DecodingError {
            throw FailoverHTTPError(.decoding, "\(path): \(StrictJSON.explain(error))")
        } catch {
            throw FailoverHTTPError(.decoding, "\(path): \(error)")
        }
    }

    /// The `detail` of a problem+json body, or the body's text (cut to 300 characters).
    static func problemDetail(_ body: [UInt8]) -> String {
        struct Problem: Decodable {
            let title: String?
            let detail: String?
        }
        if let problem = try? JSONDecoder().decode(Problem.self, from: Data(body)),
            let text = problem.detail ?? problem.title
        {
            return text
        }
        return String(String(decoding: body, as: UTF8.self).prefix(300))
    }
}
