/// Answers requests. The server calls it on the connection's event loop; a responder may
/// await database work (a pool bound to the same loop resumes it there, without a thread
/// hop) and must not block the thread.
///
/// A responder never throws: failures become responses (see `Problem`), so a server error
/// is visible as a status and not as a dropped connection.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}

/// A responder made from a closure, for small handlers and tests.
public struct ClosureResponder: HTTPResponder {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    private let handler: Handler

    public init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        await self.handler(request)
    }
}
