import Testing

@testable import Notifications

@Suite("SMTP reply parser")
struct SMTPReplyParserTests {
    @Test("single-line and multi-line replies, split anywhere")
    func assembles() throws {
        let text =
            "220 relay ready\r\n250-relay.example\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var parser = SMTPReplyParser()
            var replies: [SMTPReply] = []
            parser.append(bytes[..<split])
            while let reply = try parser.next() {
                replies.append(reply)
            }
            parser.append(bytes[split...])
            while let reply = try parser.next() {
                replies.append(reply)
            }
            #expect(
                replies == [
                    SMTPReply(code: 220, lines: ["relay ready"]),
                    SMTPReply(code: 250, lines: ["relay.example", "STARTTLS", "AUTH PLAIN LOGIN"]),
                ])
        }
    }

    @Test("a bare code, and bare LF line ends, are accepted")
    func lenient() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250\n354 go ahead\n".utf8))
        #expect(try parser.next() == SMTPReply(code: 250, lines: [""]))
        #expect(try parser.next() == SMTPReply(code: 354, lines: ["go ahead"]))
        #expect(try parser.next() == nil)
    }

    @Test(
        "malformed replies are protocol violations",
        arguments: [
            "hello\r\n", "25 x\r\n", "250x\r\n", "250-a\r\n251 b\r\n", "199 x\r\n", "600 x\r\n",
        ])
    func malformed(text: String) {
        var parser = SMTPReplyParser()
        parser.append(Array(text.utf8))
        #expect {
            while try parser.next() != nil {}
        } throws: { error in
            (error as? NotificationError)?.code == .protocolViolation
        }
    }

    @Test("an endless line or reply is cut off")
    func bounded() {
        var parser = SMTPReplyParser()
        parser.append([UInt8](repeating: UInt8(ascii: "2"), count: 3_000))
        #expect(throws: NotificationError.self) { _ = try parser.next() }

        var many = SMTPReplyParser()
        many.append(Array(String(repeating: "250-x\r\n", count: 200).utf8))
        #expect(throws: NotificationError.self) { _ = try many.next() }
    }
}
