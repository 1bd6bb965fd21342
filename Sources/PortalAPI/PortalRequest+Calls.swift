import Accounts
import HTTP

extension PortalRequest {
    /// Runs an accounts operation, turning its refusal into the problem to answer with.
    /// Failures that are not the caller's are logged (at debug) under the request's id.
    func perform<Value>(
        _ body: () async throws(AccountsError) -> Value
    ) async throws(Problem) -> Value {
        do {
            return try await body()
        } catch {
            if error.code == .unavailable {
                self.http.logger.debug(
                    "accounts operation failed", [("error", .string(error.description))])
            }
            throw PortalProblem.from(error)
        }
    }

    /// The body as JSON, unknown members refused.
    func body<Body: Codable>(_ type: Body.Type) throws(Problem) -> Body {
        try self.http.decodeStrictJSON(type)
    }

    /// The signed-in user, which the gate has made sure of for `.user` endpoints.
    func requireUser() throws(Problem) -> SignedInUser {
        guard let user = self.user else { throw PortalProblem.unauthenticated }
        return user
    }
}
