import Foundation

/// Who is acting on referrals: a signed-in user and whether they hold the referrer and the
/// delegate roles (read at sign-in; the database checks a delegation again on submission).
public struct ReferralActor: Sendable {
    public let userID: UUID
    public let isReferrer: Bool
    public let isDelegate: Bool

    public init(userID: UUID, isReferrer: Bool, isDelegate: Bool) {
        self.userID = userID
        self.isReferrer = isReferrer
        self.isDelegate = isDelegate
    }
}

/// Where a request came from, for the audit trail.
public struct ReferralOrigin: Sendable {
    /// The request's id as logged; 1 to 100 characters, or nil.
    public var requestID: String?
    /// The client's IP address as text, or nil.
    public var address: String?

    public init(requestID: String?, address: String?) {
        self.requestID = requestID.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        self.address = address.flatMap { $0.isEmpty ? nil : $0 }
    }
}
