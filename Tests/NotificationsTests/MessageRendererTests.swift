import Foundation
import Security
import Testing

@testable import Notifications

@Suite("Message rendering")
struct MessageRendererTests {
    let reference = UUID(uuidString: "0F8E2A4C-1B3D-4E5F-8A9B-0C1D2E3F4A5B")!

    func message(subject: String, body: String, name: String? = nil) throws -> EmailMessage {
        try EmailMessage(
            reference: self.reference, from: try EmailAddress("no-reply@portal.example"),
            fromName: name,
            to: try EmailAddress("ada@nhs.example"), subject: subject, body: body)
    }

    @Test("headers in order, CRLF line ends, a Base64 body")
    func rendering() throws {
        let date = Date(timeIntervalSince1970: 1_796_320_000)
        let text = String(
            decoding: MessageRenderer.render(
                try self.message(subject: "Code", body: "Hi\n"), date: date),
            as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "Date: Thu, 03 Dec 2026 17:46:40 +0000")
        #expect(lines[1] == "Message-ID: <0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b@portal.example>")
        #expect(lines[2] == "From: no-reply@portal.example")
        #expect(lines[3] == "To: ada@nhs.example")
        #expect(lines[4] == "Subject: Code")
        #expect(
            lines[5...8] == [
                "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: base64", "",
            ])
        #expect(lines[9] == "SGkNCg==")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("non-ASCII subjects and names become encoded words of bounded length")
    func encodedWords() throws {
        let subject = String(repeating: "Überweisung für Zoë — 東京 ", count: 4)
        let header = MessageRenderer.headerText(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded: [UInt8] = []
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.utf8.count <= 66)
            decoded +=
                Base64.decode(String(word.dropFirst(10).dropLast(2).filter { $0 != "=" })) ?? []
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)

        #expect(
            MessageRenderer.mailbox(try EmailAddress("a@b.example"), name: "Dr \"Ada\" Smith")
                == "\"Dr \\\"Ada\\\" Smith\" <a@b.example>")
        #expect(MessageRenderer.headerText("looks =?encoded?= but is not").hasPrefix("=?UTF-8?B?"))
    }

    @Test("dot-stuffing doubles leading dots and ends with the terminator")
    func dotStuffing() {
        let stuffed = SMTPData.stuffed(Array(".start\r\nmiddle\n..two\r\n.\r\nend".utf8))
        #expect(
            String(decoding: stuffed, as: UTF8.self)
                == "..start\r\nmiddle\r\n...two\r\n..\r\nend\r\n.\r\n")
        #expect(String(decoding: SMTPData.stuffed([]), as: UTF8.self) == ".\r\n")
    }

    @Test("control characters in a subject or sender name are refused")
    func refusals() {
        #expect(throws: NotificationError.self) { try self.message(subject: "a\rb", body: "") }
        #expect(throws: NotificationError.self) { try self.message(subject: "a\u{0}b", body: "") }
        #expect(throws: NotificationError.self) {
            try self.message(subject: "ok", body: "", name: "A\nBcc: x@y")
        }
        #expect(throws: NotificationError.self) {
            try self.message(subject: "ok", body: "nul\u{0}")
        }
        #expect(throws: NotificationError.self) {
            try self.message(subject: String(repeating: "x", count: 999), body: "")
        }
    }

    @Test(
        "addresses: plain local@domain only",
        arguments: [
            "", "ada", "@nhs.example", "ada@", "ada@@nhs.example", "ada smith@nhs.example",
            "ada@nhs..example",
            "ada@.nhs.example", "<ada@nhs.example>", "ada@nhs.example\r\n", "zoë@nhs.example",
            String(repeating: "a", count: 65) + "@nhs.example",
        ])
    func addresses(text: String) {
        #expect(throws: NotificationError.self) { _ = try EmailAddress(text) }
    }

    @Test("valid addresses are kept as given")
    func validAddresses() throws {
        #expect(
            try EmailAddress("ada.smith+portal@nhs.example").value == "ada.smith+portal@nhs.example"
        )
        #expect(try EmailAddress("o'neil@gp-practice.nhs.uk").value == "o'neil@gp-practice.nhs.uk")
    }
}
