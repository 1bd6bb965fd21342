import Tenancy

/// The first place a tenant's chain does not hold, precisely enough to find the row.
public struct AuditChainBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The row's fields no longer hash to its stored hash: it was changed.
        case altered
        /// The row's previous hash is not the hash of the row before it: rows were reordered
        /// or replaced.
        case brokenLink
        /// Sequence numbers skip: rows were removed.
        case missingRows
        /// A sequence number repeats or goes back.
        case outOfOrder
        /// The chain head disagrees with the last row: rows were removed from the end, or the
        /// head was changed.
        case headMismatch
    }

    public let kind: Kind
    public let tenant: TenantID
    /// The row at fault (`portal.audit_events.id`); nil when the chain's end is at fault.
    public let rowID: Int64?
    /// The row's sequence number as stored.
    public let seq: Int64?
    /// What the chain requires there (a hash in hex, or a sequence number).
    public let expected: String
    /// What is stored there.
    public let found: String

    public var description: String {
        let row = self.rowID.map { "row \($0) (seq \(self.seq ?? 0))" } ?? "the chain's end"
        let subject = "tenant \(self.tenant): \(row)"
        switch self.kind {
        case .altered:
            return "\(subject) was altered: its fields hash to \(self.expected) but its stored "
                + "hash is \(self.found)"
        case .brokenLink:
            return "\(subject) does not follow the row before it: the previous row's hash is "
                + "\(self.expected) but this row links to \(self.found)"
        case .missingRows:
            return "\(subject) follows a gap: seq \(self.expected) expected, \(self.found) found; "
                + "the rows between were removed"
        case .outOfOrder:
            return "\(subject) is out of order: seq \(self.expected) expected, \(self.found) found"
        case .headMismatch:
            return "\(subject) disagrees with the chain head: the head records \(self.expected), "
                + "the rows end at \(self.found); rows were removed from the end or the head "
                + "was changed"
        }
    }
}
