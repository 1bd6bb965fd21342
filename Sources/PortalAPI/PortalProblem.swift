import Accounts
import HTTP

/// The problems the portal endpoints answer with, each with its own type URI so that a
/// client can tell them apart without reading the text.
enum PortalProblem {
    /// Prefix of every problem type this API defines.
    static let typePrefix = "urn:imaging-portal:problem:"

    static func type(_ name: String) -> String {
        Self.typePrefix + name
    }

    /// No tenant's portal answers at the request's host name.
    static func unknownHost(_ host: String) -> Problem {
        Problem(
            status: .notFound, type: Self.type("unknown-portal"), title: "Unknown portal",
            detail: "No portal answers at the host name \(host.prefix(253)).")
    }

    static let unauthenticated = Problem(
        status: .unauthorized, type: Self.type("unauthenticated"), title: "Sign-in required",
        detail: "Sign in first: this needs a session or an API token.")

    static let sessionEnded = Problem(
        status: .unauthorized, type: Self.type("session-ended"), title: "Session ended",
        detail: "Your session has ended (signed out, idle too long or too old); sign in again.")

    static let invalidToken = Problem(
        status: .unauthorized, type: Self.type("invalid-token"), title: "Invalid API token",
        detail: "The API token is unknown, expired or revoked.",
        headers: ["WWW-Authenticate": "Bearer realm=\"portal\", error=\"invalid_token\""])

    static let csrf = Problem(
        status: .forbidden, type: Self.type("csrf"), title: "Cross-site request refused",
        detail: "This request needs the session's X-CSRF-Token header (from GET /api/v1/me).")

    static let crossOrigin = Problem(
        status: .forbidden, type: Self.type("cross-origin"), title: "Cross-site request refused",
        detail: "The request came from another site (Origin or Sec-Fetch-Site).")

    static func forbidden(_ detail: String) -> Problem {
        Problem(
            status: .forbidden, type: Self.type("forbidden"), title: "Not allowed", detail: detail)
    }

    static let unavailable = Problem(
        status: .serviceUnavailable, type: Self.type("unavailable"), title: "Service unavailable",
        detail: "The service could not complete the request; try again shortly.",
        headers: ["Retry-After": "5"])

    /// The answer for an accounts refusal.
    static func from(_ error: AccountsError) -> Problem {
        switch error.code {
        case .invalidFields:
            return Problem.validation(
                error.fields.map { Problem.FieldError(pointer: $0.pointer, message: $0.message) })
        case .invalidCredentials:
            return Problem(
                status: .unauthorized, type: Self.type("invalid-credentials"),
                title: "Sign-in refused", detail: error.message)
        case .locked:
            let seconds = error.retryAfter ?? 60
            return Problem(
                status: .tooManyRequests, type: Self.type("locked"), title: "Temporarily locked",
                detail: error.message, headers: ["Retry-After": String(seconds)])
        case .incorrectCode:
            return Problem(
                status: .unauthorized, type: Self.type("incorrect-code"), title: "Incorrect code",
                detail: error.message)
        case .challengeEnded:
            return Problem(
                status: .unauthorized, type: Self.type("challenge-ended"),
                title: "Sign-in code no longer valid", detail: error.message)
        case .linkEnded:
            return Problem(
                status: .gone, type: Self.type("link-ended"), title: "Link no longer valid",
                detail: error.message)
        case .notFound:
            return Problem(
                status: .notFound, type: Self.type("not-found"), title: "Not found",
                detail: error.message)
        case .conflict:
            return Problem(
                status: .conflict, type: Self.type("conflict"), title: "Conflict",
                detail: error.message)
        default:
            return Self.unavailable
        }
    }
}
