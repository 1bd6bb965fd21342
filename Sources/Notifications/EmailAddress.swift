/// An e-mail address as used in the SMTP envelope and the To/From headers: `local@domain`,
/// printable ASCII only, no spaces, angle brackets, quotes or line breaks, so that it can
/// neither inject a header nor an SMTP command.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Validates `text`; throws `invalidAddress` (or `unsupported` for non-ASCII
    /// addresses, which need SMTPUTF8) naming the problem.
    public init(_ text: String) throws(NotificationError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 254 else {
            throw Self.invalid("an address has 1 to 254 characters", text)
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            throw NotificationError(
                .unsupported, "addresses with non-ASCII characters are not supported",
                context: "recipient")
        }
        let forbidden: Set<UInt8> = Set("<>()[]\\,;:\"\r\n\t ".utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && !forbidden.contains($0) }) else {
            throw Self.invalid(
                "an address may not hold spaces, control or special characters", text)
        }

        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !parts[1].isEmpty,
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..")
        else {
            throw Self.invalid("an address is local@domain", text)
        }
        self.value = text
    }

    public var description: String { self.value }

    private static func invalid(_ message: String, _ text: String) -> NotificationError {
        // The address itself goes into the context only in escaped form and shortened.
        let shown = String(
            text.unicodeScalars.prefix(64).map { $0.escaped(asASCII: true) }.joined())
        return NotificationError(.invalidAddress, message, context: shown)
    }
}
