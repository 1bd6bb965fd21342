import Foundation
import Security
import Testing

@testable import Notifications

/// The client's side of the dialogue, reply by reply, without sockets.
@Suite("SMTP conversation")
struct SMTPConversationTests {
    func conversation(
        _ security: SMTPConfiguration.Security = .startTLSRequired,
        credentials: SMTPConfiguration.Credentials? = nil, plaintextAuth: Bool = false
    ) throws -> SMTPConversation {
        let configuration = SMTPConfiguration(
            host: "relay.example", port: 587, security: security, credentials: credentials,
            allowsPlaintextAuthentication: plaintextAuth, heloName: "api-a.portal.example")
        return SMTPConversation(
            configuration: configuration, sender: try EmailAddress("no-reply@portal.example"),
            recipient: try EmailAddress("ada@nhs.example"))
    }

    func reply(_ code: Int, _ lines: String...) -> SMTPReply {
        SMTPReply(code: code, lines: lines.isEmpty ? ["ok"] : lines)
    }

    @Test("STARTTLS, EHLO again, AUTH PLAIN, then the envelope and the message")
    func fullDialogue() throws {
        var machine = try self.conversation(credentials: .init(username: "portal", password: "pw"))
        #expect(machine.received(self.reply(220)) == .send("EHLO api-a.portal.example"))
        #expect(
            machine.received(self.reply(250, "relay", "STARTTLS", "AUTH LOGIN"))
                == .send("STARTTLS"))
        #expect(machine.received(self.reply(220)) == .startTLS)
        #expect(machine.tlsEstablished() == .send("EHLO api-a.portal.example"))
        let plain = Base64.encode(Array("\0portal\0pw".utf8), padded: true)
        #expect(
            machine.received(self.reply(250, "relay", "AUTH PLAIN LOGIN"))
                == .sendSecret("AUTH PLAIN \(plain)"))
        #expect(machine.received(self.reply(235)) == .send("MAIL FROM:<no-reply@portal.example>"))
        #expect(machine.received(self.reply(250)) == .send("RCPT TO:<ada@nhs.example>"))
        #expect(machine.received(self.reply(250)) == .send("DATA"))
        #expect(machine.received(self.reply(354)) == .sendMessage)
        #expect(machine.received(self.reply(250)) == .delivered)
    }

    @Test("AUTH LOGIN when PLAIN is not offered; extensions from before TLS are forgotten")
    func authLogin() throws {
        var machine = try self.conversation(credentials: .init(username: "portal", password: "pw"))
        _ = machine.received(self.reply(220))
        _ = machine.received(self.reply(250, "relay", "STARTTLS", "AUTH PLAIN"))
        _ = machine.received(self.reply(220))
        _ = machine.tlsEstablished()
        #expect(machine.received(self.reply(250, "relay", "AUTH=LOGIN")) == .send("AUTH LOGIN"))
        #expect(machine.received(self.reply(334, "VXNlcm5hbWU6")) == .sendSecret("cG9ydGFs"))
        #expect(machine.received(self.reply(334, "UGFzc3dvcmQ6")) == .sendSecret("cHc="))
        #expect(
            machine.received(self.reply(535))
                == .fail(NotificationError(.authenticationFailed, "", replyCode: 535)))
    }

    @Test("HELO when EHLO is unknown; then required TLS cannot be had")
    func heloFallback() throws {
        var opportunistic = try self.conversation(.startTLSOpportunistic)
        _ = opportunistic.received(self.reply(220))
        #expect(opportunistic.received(self.reply(502)) == .send("HELO api-a.portal.example"))
        #expect(
            opportunistic.received(self.reply(250)) == .send("MAIL FROM:<no-reply@portal.example>"))

        var required = try self.conversation(.startTLSRequired)
        _ = required.received(self.reply(220))
        _ = required.received(self.reply(502))
        #expect(required.received(self.reply(250)) == .fail(NotificationError(.tlsUnavailable, "")))
    }

    @Test("credentials are never sent in the clear unless allowed")
    func plaintextAuth() throws {
        var refused = try self.conversation(
            .plaintext, credentials: .init(username: "u", password: "p"))
        _ = refused.received(self.reply(220))
        #expect(
            refused.received(self.reply(250, "relay", "AUTH PLAIN"))
                == .fail(NotificationError(.authenticationFailed, "")))

        var allowed = try self.conversation(
            .plaintext, credentials: .init(username: "u", password: "p"), plaintextAuth: true)
        _ = allowed.received(self.reply(220))
        guard case .sendSecret(let line) = allowed.received(self.reply(250, "relay", "AUTH PLAIN"))
        else {
            Issue.record("expected AUTH PLAIN")
            return
        }
        #expect(line.hasPrefix("AUTH PLAIN "))
    }

    @Test("reply classes: 4xx transient, 5xx permanent, wrong class a violation")
    func classes() throws {
        var machine = try self.conversation(.plaintext)
        _ = machine.received(self.reply(220))
        _ = machine.received(self.reply(250))
        _ = machine.received(self.reply(250))
        #expect(
            machine.received(self.reply(452, "mailbox full"))
                == .fail(NotificationError(.transientReply, "", replyCode: 452)))

        var permanent = try self.conversation(.plaintext)
        #expect(
            permanent.received(self.reply(554))
                == .fail(NotificationError(.permanentReply, "", replyCode: 554)))

        var odd = try self.conversation(.plaintext)
        _ = odd.received(self.reply(220))
        _ = odd.received(self.reply(250))
        _ = odd.received(self.reply(250))
        _ = odd.received(self.reply(250))
        #expect(
            odd.received(self.reply(250))
                == .fail(NotificationError(.protocolViolation, "", replyCode: 250)))
    }
}
