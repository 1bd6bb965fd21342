/// One stored audit row as the verifier reads it: its identity and chain columns, and the
/// text form of every hashed field in canonical order.
struct AuditChainRow: Sendable {
    /// The hashed fields, in this order (the order of migrations/0004_audit.sql).
    static let canonicalFields = [
        "id", "tenant_id", "seq", "occurred_at", "actor_user_id", "on_behalf_of_user_id",
        "action", "record_type", "record_id", "patient_id", "request_id", "remote_address",
        "details",
    ]

    let id: Int64
    let seq: Int64
    /// Text forms of `canonicalFields`, nil for SQL NULL.
    let fields: [String?]
    let previousHash: [UInt8]
    let rowHash: [UInt8]

    /// Each field as a 4-byte big-endian byte length and its UTF-8 bytes; NULL as ff ff ff ff.
    var canonicalEncoding: [UInt8] {
        var bytes: [UInt8] = []
        for field in self.fields {
            guard let field else {
                bytes.append(contentsOf: [0xff, 0xff, 0xff, 0xff])
                continue
            }
            let utf8 = Array(field.utf8)
            let length = UInt32(utf8.count)
            bytes.append(contentsOf: [
                UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
                UInt8(length & 0xff),
            ])
            bytes.append(contentsOf: utf8)
        }
        return bytes
    }

    /// The hash this row should carry: SHA-256 of its previous hash and its fields.
    func expectedHash() -> [UInt8]? {
        SHA256Digest.hash(self.previousHash + self.canonicalEncoding)
    }
}
