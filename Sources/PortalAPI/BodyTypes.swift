import Foundation

/// Request bodies of the session endpoints. Members are optional so that a missing one is
/// reported with the others, by field.
struct SignInBody: Codable {
    var email: String?
    var password: String?
}

struct CodeBody: Codable {
    var challenge: String?
    var code: String?
}

struct SetPasswordBody: Codable {
    var token: String?
    var password: String?
}

struct DeclineBody: Codable {
    var reason: String?
}
