/// Assembles SMTP replies from received bytes: lines `ddd-text` continue a reply and the
/// line `ddd text` ends it (RFC 5321 section 4.2). Bounded: a line longer than 2,000 bytes
/// or a reply of more than 100 lines is a protocol violation.
struct SMTPReplyParser {
    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    static let maximumLineLength = 2_000
    static let maximumLines = 100

    /// Adds received bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        self.pending.append(contentsOf: bytes)
    }

    /// The next complete reply, nil when more bytes are needed.
    mutating func next() throws(NotificationError) -> SMTPReply? {
        while let newline = self.pending.firstIndex(of: 10) {
            var line = Array(self.pending[..<newline])
            self.pending.removeSubrange(...newline)
            if line.last == 13 {
                line.removeLast()
            }
            if let reply = try self.consume(line) {
                return reply
            }
        }
        guard self.pending.count <= Self.maximumLineLength else {
            throw Self.violation("reply line too long")
        }
        return nil
    }

    private mutating func consume(_ line: [UInt8]) throws(NotificationError) -> SMTPReply? {
        guard line.count >= 3, line.count <= Self.maximumLineLength,
            line[0...2].allSatisfy({ (48...57).contains($0) }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            throw Self.violation("malformed reply line")
        }
        let code = Int(line[0] - 48) * 100 + Int(line[1] - 48) * 10 + Int(line[2] - 48)
        guard (200...599).contains(code), self.code == nil || self.code == code else {
            throw Self.violation("reply code \(code) out of range or changed within a reply")
        }

        self.code = code
        self.lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard self.lines.count <= Self.maximumLines else {
            throw Self.violation("reply has too many lines")
        }

        let continues = line.count > 3 && line[3] == UInt8(ascii: "-")
        guard !continues else { return nil }

        let reply = SMTPReply(code: code, lines: self.lines)
        self.code = nil
        self.lines = []
        return reply
    }

    private static func violation(_ message: String) -> NotificationError {
        NotificationError(.protocolViolation, message, context: "smtp reply")
    }
}
