import Tenancy

/// Walks one tenant's chain row by row, in sequence order, and reports the first break.
/// Plain value logic: rows in, a break (or none) out; the verifier does the reading.
struct AuditChainWalk: Sendable {
    static let genesisHash = [UInt8](repeating: 0, count: 32)

    let tenant: TenantID
    private(set) var rowsChecked: Int64 = 0
    private var expectedSeq: Int64 = 1
    private var lastHash = Self.genesisHash
    private var lastRowID: Int64?

    init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// The sequence number of the last row accepted (0 before any).
    var lastSeq: Int64 { self.expectedSeq - 1 }

    /// Checks the next row; returns the break it shows, if any. After a break the walk's
    /// state is unspecified: stop there.
    mutating func check(_ row: AuditChainRow) throws(AuditError) -> AuditChainBreak? {
        if row.seq != self.expectedSeq {
            let kind: AuditChainBreak.Kind = row.seq > self.expectedSeq ? .missingRows : .outOfOrder
            return self.breakAt(row, kind, expected: "\(self.expectedSeq)", found: "\(row.seq)")
        }
        if row.previousHash != self.lastHash {
            return self.breakAt(
                row, .brokenLink, expected: self.lastHash.hex, found: row.previousHash.hex)
        }
        guard let expected = row.expectedHash() else {
            throw AuditError(.digest, "SHA-256 failed while checking row \(row.id)")
        }
        if expected != row.rowHash {
            return self.breakAt(row, .altered, expected: expected.hex, found: row.rowHash.hex)
        }

        self.lastHash = row.rowHash
        self.lastRowID = row.id
        self.expectedSeq += 1
        self.rowsChecked += 1
        return nil
    }

    /// Compares the end of the rows with the chain head (nil when the tenant has none).
    func finish(headSeq: Int64?, headHash: [UInt8]?) -> AuditChainBreak? {
        let seq = headSeq ?? 0
        let hash = headHash ?? Self.genesisHash
        guard seq != self.lastSeq || hash != self.lastHash else { return nil }

        return AuditChainBreak(
            kind: .headMismatch, tenant: self.tenant, rowID: self.lastRowID,
            seq: self.lastRowID == nil ? nil : self.lastSeq,
            expected: "seq \(seq) hash \(hash.hex)",
            found: "seq \(self.lastSeq) hash \(self.lastHash.hex)")
    }

    private func breakAt(
        _ row: AuditChainRow, _ kind: AuditChainBreak.Kind, expected: String, found: String
    ) -> AuditChainBreak {
        AuditChainBreak(
            kind: kind, tenant: self.tenant, rowID: row.id, seq: row.seq, expected: expected,
            found: found)
    }
}
