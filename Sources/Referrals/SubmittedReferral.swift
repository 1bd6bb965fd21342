import Foundation

/// The answer to a submission, stored with its idempotency key so that a retry receives
/// the very same bytes.
public struct SubmittedReferral: Sendable, Codable, Equatable {
    public let id: String
    public let state: String
    public let patientID: String
    /// True when this referral created the patient's record.
    public let newPatient: Bool
    /// True when the patient has neither a mobile nor an e-mail: letters only.
    public let lettersOnly: Bool
    public let needsReview: Bool
    public let reviewReasons: [ReviewReason]
    /// Fields of the patient record this referral disagreed with (for demographic review).
    public let demographicDifferences: [String]
    public let createdAt: Date

    /// The JSON body, as the API sends it: sorted keys, ISO 8601 dates.
    func encoded() throws -> [UInt8] {
        Array(try ReferralJSON.encoder.encode(self))
    }
}

/// What a submission answers: the status and body to send, where the referral lives, and
/// whether this is a replay of an earlier answer to the same idempotency key.
public struct SubmissionAnswer: Sendable {
    public let status: Int
    public let body: [UInt8]
    public let location: String
    public let replayed: Bool
}

/// The JSON conventions of referral bodies, stored and sent alike.
enum ReferralJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func text<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try Self.encoder.encode(value), as: UTF8.self)
    }
}
