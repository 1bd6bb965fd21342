extension AuditEntry {
    /// Keys refused in details, whatever their value: the database refuses them too.
    static let secretKeys: Set<String> = [
        "password", "password_hash", "token", "token_hash", "code", "one_time_code", "secret",
        "csrf_token",
    ]

    /// Checks what the database would refuse, so that the caller gets a precise error and
    /// the transaction is not aborted by a failed insert.
    func validate() throws(AuditError) {
        guard Self.isAction(self.action) else {
            throw AuditError(
                .invalidEntry,
                "action \"\(self.action.prefix(100))\" is not noun.verb in lower case",
                field: "action")
        }
        if let record = self.record {
            guard Self.isRecordType(record.type) else {
                throw AuditError(
                    .invalidEntry, "record type \"\(record.type.prefix(64))\" is not a type name",
                    field: "record.type")
            }
            guard (1...100).contains(record.id.count) else {
                throw AuditError(
                    .invalidEntry, "record id must be 1 to 100 characters", field: "record.id")
            }
        }
        if let requestID = self.requestID, !(1...100).contains(requestID.count) {
            throw AuditError(
                .invalidEntry, "request id must be 1 to 100 characters", field: "requestID")
        }
        if let secret = self.details.keys.first(where: { Self.secretKeys.contains($0) }) {
            throw AuditError(
                .invalidEntry, "details may not carry \"\(secret)\": the trail holds no secrets",
                field: "details.\(secret)")
        }
        guard self.detailsJSON.utf8.count <= 8192 else {
            throw AuditError(.invalidEntry, "details exceed 8 KiB", field: "details")
        }
    }

    private static func isAction(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, text.utf8.count <= 100 else { return false }
        return parts.allSatisfy { Self.isLowerIdentifier($0) }
    }

    private static func isRecordType(_ text: String) -> Bool {
        text.utf8.count <= 63 && Self.isLowerIdentifier(Substring(text))
    }

    /// `[a-z][a-z0-9_]*`
    private static func isLowerIdentifier(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else {
            return false
        }
        return text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
