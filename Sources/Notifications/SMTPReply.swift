/// One complete reply from an SMTP server: a three-digit code and its text lines (several
/// for a multi-line reply such as EHLO's list of extensions).
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx.
    public var isPositive: Bool { (200..<300).contains(self.code) }
    /// 3xx: go on (354 after DATA, 334 during AUTH).
    public var isIntermediate: Bool { (300..<400).contains(self.code) }
    /// 4xx.
    public var isTransient: Bool { (400..<500).contains(self.code) }
    /// 5xx.
    public var isPermanent: Bool { (500..<600).contains(self.code) }

    /// The reply's text on one line, shortened, for errors and logs.
    public var summary: String {
        String(self.lines.joined(separator: " / ").prefix(200))
    }
}
