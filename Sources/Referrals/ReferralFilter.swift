import Foundation

/// The tracking list's query: filters (`state`, `urgency`, `modality`, `nhsNumber`,
/// `name`), the page size (`limit`) and the cursor (`after`, the `next` of the page before).
public struct ReferralFilter: Sendable, Equatable {
    /// The states a referral may be in (`portal.referrals.state`).
    public static let states = [
        "submitted", "in_review", "accepted", "rejected", "booked", "scanned", "reported",
        "completed", "cancelled",
    ]
    /// The states that end a referral: it moves from the live list to the archive.
    public static let closedStates: Set<String> = ["completed", "rejected", "cancelled"]

    public var state: String?
    public var urgency: Urgency?
    public var modality: Modality?
    public var nhsNumber: NHSNumber?
    /// Part of the patient's given or family name, any case.
    public var name: String?
    public var limit = 25
    public var after: UUID?

    public init() {}

    /// Parses a URL query (`state=booked&limit=10`); `badQuery` names each bad parameter.
    public init(query: String?) throws(ReferralsError) {
        var checks = FieldChecks()
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let raw = parts.count > 1 ? String(parts[1]) : ""
            let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            self.read(name, value, &checks)
        }
        guard checks.fields.isEmpty else {
            throw ReferralsError(
                .badQuery, "The query has invalid parameters.", fields: checks.fields)
        }
    }

    private mutating func read(_ name: String, _ value: String, _ checks: inout FieldChecks) {
        switch name {
        case "state":
            guard Self.states.contains(value) else {
                checks.fail(name, "must be one of " + Self.states.joined(separator: ", "))
                return
            }
            self.state = value
        case "urgency": self.urgency = checks.choice(value, Urgency.self, name)
        case "modality": self.modality = checks.choice(value, Modality.self, name)
        case "nhsNumber":
            guard let number = NHSNumber(value) else {
                checks.fail(name, "must be a valid NHS number")
                return
            }
            self.nhsNumber = number
        case "name":
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard (2...100).contains(trimmed.count) else {
                checks.fail(name, "must be 2 to 100 characters")
                return
            }
            self.name = trimmed
        case "limit":
            guard let limit = Int(value), (1...100).contains(limit) else {
                checks.fail(name, "must be an integer from 1 to 100")
                return
            }
            self.limit = limit
        case "after":
            guard let after = UUID(uuidString: value) else {
                checks.fail(name, "must be the `next` cursor of the page before")
                return
            }
            self.after = after
        default:
            checks.fail(name, "is not a known query parameter")
        }
    }

    /// The name as an ILIKE pattern matching it anywhere, its wildcards escaped.
    var namePattern: String? {
        self.name.map { name in
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            return "%" + escaped + "%"
        }
    }
}
