import Postgres
import Tenancy

extension AuditVerifier {
    /// The next rows of the chain after sequence number `after`, with every hashed field
    /// rendered as text here, by this statement, in the canonical forms.
    func batch(
        of tenant: TenantID, after: Int64, in transaction: TenantTransaction
    ) async throws -> [AuditChainRow] {
        let rows = try await transaction.query(
            """
            SELECT id, seq, previous_hash, row_hash,
                   id::text, tenant_id::text, seq::text,
                   to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   actor_user_id::text, on_behalf_of_user_id::text, action, record_type,
                   record_id, patient_id::text, request_id, remote_address::text, details::text
            FROM portal.audit_events
            WHERE tenant_id = \(tenant.uuid) AND seq > \(after)
            ORDER BY audit_events.seq, audit_events.id
            LIMIT \(self.batchSize)
            """)

        let fieldCount = AuditChainRow.canonicalFields.count
        return try rows.map { row throws(PostgresError) in
            var fields: [String?] = []
            fields.reserveCapacity(fieldCount)
            for column in 4..<(4 + fieldCount) {
                fields.append(try row.decode(String?.self, at: column))
            }
            return AuditChainRow(
                id: try row.decode(Int64.self, at: 0), seq: try row.decode(Int64.self, at: 1),
                fields: fields, previousHash: try row.decode([UInt8].self, at: 2),
                rowHash: try row.decode([UInt8].self, at: 3))
        }
    }
}
