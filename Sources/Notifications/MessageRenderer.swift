import Foundation
import Security

/// Renders an `EmailMessage` as an RFC 5322 message: the header block (Date, Message-ID,
/// From, To, Subject, MIME headers), then the body as UTF-8 text/plain in Base64, every
/// line ending in CRLF and none longer than 78 characters. Pure: no I/O, no clock.
public enum MessageRenderer {
    /// The message's bytes, before SMTP dot-stuffing.
    public static func render(_ message: EmailMessage, date: Date) -> [UInt8] {
        var lines: [String] = []
        lines.append("Date: \(Self.format(date))")
        lines.append("Message-ID: \(Self.messageID(message))")
        lines.append("From: \(Self.mailbox(message.from, name: message.fromName))")
        lines.append("To: \(message.to)")
        lines.append("Subject: \(Self.headerText(message.subject))")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")

        let body = Array(Self.crlfLines(message.body).utf8)
        let encoded = Base64.encode(body, padded: true)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end =
                encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `<reference@sender-domain>`: the outbox reference makes a retried delivery carry the
    /// same identifier as the first.
    public static func messageID(_ message: EmailMessage) -> String {
        let domain = message.from.value.split(separator: "@").last.map(String.init) ?? "localhost"
        return "<\(message.reference.uuidString.lowercased())@\(domain)>"
    }

    /// RFC 5322 date-time in UTC, e.g. `Thu, 03 Dec 2026 18:06:32 +0000`.
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// `Name <address>` with the name quoted or encoded; the bare address without a name.
    static func mailbox(_ address: EmailAddress, name: String?) -> String {
        guard let name, !name.isEmpty else { return address.value }

        if Self.isPlainASCII(name) {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return "\(Self.encodedWords(name)) <\(address)>"
    }

    /// The text as is when printable ASCII, otherwise RFC 2047 encoded words.
    static func headerText(_ text: String) -> String {
        Self.isPlainASCII(text) ? text : Self.encodedWords(text)
    }

    /// `=?UTF-8?B?...?=` words of at most 64 characters (39 bytes of text each, so that
    /// even the first, after `Subject: `, stays within 78 columns), split between Unicode
    /// scalars and folded onto continuation lines.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(Base64.encode(chunk, padded: true))?=")
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty {
            words.append("=?UTF-8?B?\(Base64.encode(chunk, padded: true))?=")
        }
        return words.joined(separator: "\r\n ")
    }

    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f } && !text.contains("=?")
    }

    /// Every line break (CRLF, CR, LF) as CRLF.
    static func crlfLines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }
}
