/// Wraps a responder and gzips its answers when the client accepts gzip and the body is
/// worth it (see ``GzipPolicy``).
///
/// Every response that could have been compressed says `Vary: Accept-Encoding`, so caches
/// keep the two forms apart. A strong `ETag` on a compressed body becomes weak (`W/"..."`),
/// as the compressed bytes are a different representation; `If-None-Match` compares weakly,
/// so revalidation still matches. A zlib failure sends the body as it is.
public struct GzipResponder: HTTPResponder {
    public let wrapped: any HTTPResponder
    public let policy: GzipPolicy
    private let pool: GzipPool

    public init(wrapping wrapped: any HTTPResponder, policy: GzipPolicy = GzipPolicy()) {
        self.wrapped = wrapped
        self.policy = policy
        self.pool = GzipPool(level: policy.level)
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        var response = await self.wrapped.respond(to: request)
        self.compress(&response, acceptEncoding: request.headers["Accept-Encoding"])
        return response
    }

    /// Compresses `response` in place when the policy and `acceptEncoding` allow it.
    public func compress(_ response: inout HTTPResponse, acceptEncoding: String?) {
        guard !response.status.forbidsBody, response.body.count >= self.policy.minimumSize,
            !response.headers.contains("Content-Encoding"),
            self.policy.isCompressible(contentType: response.headers["Content-Type"])
        else { return }

        if !response.headers.hasToken("Accept-Encoding", in: "Vary") {
            response.headers.add("Vary", "Accept-Encoding")
        }
        guard GzipAcceptEncoding(acceptEncoding).preferred == .gzip else { return }

        guard let compressed = try? self.pool.compress(response.body),
            compressed.count < response.body.count
        else { return }

        response.body = compressed
        response.headers.add("Content-Encoding", "gzip")
        if let tag = response.headers["ETag"], tag.hasPrefix("\"") {
            response.headers.replaceOrAdd("ETag", "W/" + tag)
        }
    }
}
