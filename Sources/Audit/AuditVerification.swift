import Tenancy

/// What `AuditVerifier` found: one report per tenant chain walked.
public struct AuditVerification: Sendable {
    public let chains: [AuditChainReport]

    /// True when every chain walked holds.
    public var isIntact: Bool { self.chains.allSatisfy { $0.chainBreak == nil } }

    /// The breaks found, one per broken chain, in tenant order.
    public var breaks: [AuditChainBreak] { self.chains.compactMap(\.chainBreak) }
}

/// One tenant's chain: how many rows were checked and where it first broke, if it did.
public struct AuditChainReport: Sendable {
    public let tenant: TenantID
    /// Rows checked and found sound before the walk ended.
    public let rowsChecked: Int64
    /// The first break; nil when the whole chain holds.
    public let chainBreak: AuditChainBreak?
}
