import HTTP

/// One operation of the portal API: its route, who may call it, how it is documented in
/// the OpenAPI document, and what it does. The router and the document are both made from
/// the same list of endpoints, so the two cannot drift apart.
struct Endpoint: Sendable {
    typealias Handler = @Sendable (PortalRequest) async throws(Problem) -> HTTPResponse

    let method: HTTPMethod
    /// The router's pattern (`/api/v1/registration-requests/:id`).
    let path: String
    let access: Access
    let operation: Operation
    /// False for endpoints that serve every host alike (the OpenAPI document).
    var needsTenant = true
    let handle: Handler
}

/// The OpenAPI description of an endpoint.
struct Operation: Sendable {
    /// A query parameter.
    struct Parameter: Sendable {
        let name: String
        let description: String
        let schema: JSONValue
    }

    let id: String
    let summary: String
    let tag: String
    /// The component schema of the request body, if it has one.
    var body: String?
    var parameters: [Parameter] = []
    let status: Int
    let description: String
    /// The component schema of the success response; nil for none (204).
    var response: String?
    /// Headers the success response sets, by name, with a description.
    var responseHeaders: [(String, String)] = []
    /// Error statuses besides those every endpoint of its access can answer.
    var errors: [Int] = []
}
