import Foundation

/// One event for the audit trail: who acted, on whose behalf, what they did, to which
/// record and which patient, in which request and from where. The tenant, the time and the
/// chain position are not the caller's to choose: the database fills them in.
public struct AuditEntry: Sendable, Equatable {
    /// The signed-in user who acted; nil before sign-in (a refused password, say).
    public var actor: UUID?
    /// The user the actor acted for: the referrer a delegate refers for.
    public var onBehalfOf: UUID?
    /// What happened, as `noun.verb` in lower case: `referral.read`, `session.sign_in`.
    public var action: String
    /// The record acted on.
    public var record: AuditRecordReference?
    /// The patient whose data was read or changed.
    public var patient: UUID?
    /// The request's id, as logged (`request.id`), to join the trail with the logs.
    public var requestID: String?
    /// The client's address as the API saw it (IPv4 or IPv6 text).
    public var remoteAddress: String?
    /// Context for a human reader. Never secrets: keys that name one are refused.
    public var details: [String: AuditDetail]

    public init(
        action: String, actor: UUID? = nil, onBehalfOf: UUID? = nil,
        record: AuditRecordReference? = nil, patient: UUID? = nil, requestID: String? = nil,
        remoteAddress: String? = nil, details: [String: AuditDetail] = [:]
    ) {
        self.action = action
        self.actor = actor
        self.onBehalfOf = onBehalfOf
        self.record = record
        self.patient = patient
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.details = details
    }
}

/// Which record an event concerns: its type (`referral`, `user`) and id.
public struct AuditRecordReference: Sendable, Equatable {
    public var type: String
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

/// A value in an entry's details.
public enum AuditDetail: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
}
