import Foundation
import Notifications
import PortalTesting
import Security
import Telemetry
import Testing

/// The SMTP client against a real server (aiosmtpd) on loopback.
@Suite("SMTP client")
struct SMTPClientTests {
    static let logger = Logger(label: "smtp-tests", level: .error)

    func message(
        to recipient: String = "ada.smith@nhs.example", subject: String = "Your sign-in code"
    ) throws
        -> EmailMessage
    {
        try EmailMessage(
            reference: UUID(), from: try EmailAddress("no-reply@portal.example"),
            fromName: "Imaging Portal",
            to: try EmailAddress(recipient), subject: subject,
            body: "Your code is 004217.\n.\n..A line starting with dots\nNon-ASCII: Zoë, 東京\n")
    }

    func client(
        _ sink: SMTPSink, _ edit: (inout SMTPConfiguration) -> Void = { _ in }
    ) -> SMTPClient {
        var configuration = SMTPConfiguration(
            host: "127.0.0.1", port: sink.port, security: .plaintext,
            heloName: "api-a.portal.example",
            replyTimeout: .seconds(10))
        edit(&configuration)
        return SMTPClient(configuration: configuration, logger: Self.logger)
    }

    @Test("a message arrives with its envelope, headers and body intact")
    func delivered() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = try self.message(subject: "Référral update: scan booked")

        try self.client(sink).deliver(message)

        let received = try sink.received()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.mail_from == "no-reply@portal.example")
        #expect(mail.rcpt_tos == ["ada.smith@nhs.example"])
        #expect(mail.headers["Subject"] == "Référral update: scan booked")
        #expect(mail.headers["From"] == "Imaging Portal <no-reply@portal.example>")
        #expect(mail.headers["To"] == "ada.smith@nhs.example")
        #expect(
            mail.headers["Message-ID"]
                == "<\(message.reference.uuidString.lowercased())@portal.example>")
        #expect(mail.headers["Content-Type"] == "text/plain; charset=\"utf-8\"")
        #expect(mail.headers["Date"]?.hasSuffix("+0000") == true)
        #expect(
            mail.body
                == "Your code is 004217.\r\n.\r\n..A line starting with dots\r\nNon-ASCII: Zoë, 東京\r\n"
        )
        #expect(!mail.tls)
        let long = mail.raw.split(separator: "\r\n").filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "lines over 78 columns: \(long)")
    }

    @Test("STARTTLS against a certificate the client trusts, then AUTH")
    func startTLSAndAuth() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let sink = try SMTPSink(
            .init(
                certificate: certificate, requireStartTLS: true,
                credentials: ("portal", "s3cret-pass")))
        defer { sink.stop() }
        let trust = try TLSContext(.client(trust: .caFile(certificate.certificate)))

        try self.client(sink) {
            $0.security = .startTLSRequired
            $0.tls = trust
            $0.credentials = .init(username: "portal", password: "s3cret-pass")
        }.deliver(try self.message())

        let received = try sink.received()
        try #require(received.count == 1)
        #expect(received[0].tls)
        #expect(received[0].authenticated)

        #expect {
            try self.client(sink) {
                $0.security = .startTLSRequired
                $0.tls = trust
                $0.credentials = .init(username: "portal", password: "wrong")
            }.deliver(try self.message())
        } throws: { error in
            (error as? NotificationError)?.code == .authenticationFailed
        }

        // Not trusted: the system store does not know this self-signed certificate.
        #expect {
            try self.client(sink) { $0.security = .startTLSRequired }.deliver(try self.message())
        } throws: { error in
            (error as? NotificationError)?.code == .tlsUnavailable
        }
        #expect(try sink.received().count == 1)
    }

    @Test("required STARTTLS that is not offered, and credentials over plaintext, are refused")
    func refusesInsecure() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }

        #expect {
            try self.client(sink) { $0.security = .startTLSRequired }.deliver(try self.message())
        } throws: { error in
            (error as? NotificationError)?.code == .tlsUnavailable
        }
        #expect {
            try self.client(sink) {
                $0.security = .startTLSOpportunistic
                $0.credentials = .init(username: "portal", password: "s3cret-pass")
            }.deliver(try self.message())
        } throws: { error in
            (error as? NotificationError)?.code == .authenticationFailed
        }

        try self.client(sink) { $0.security = .startTLSOpportunistic }.deliver(try self.message())
        #expect(try sink.received().count == 1)
    }

    @Test("5xx is permanent, 4xx transient, a closed port a connection failure")
    func replyClasses() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }

        #expect {
            try self.client(sink).deliver(try self.message(to: "reject-me@nhs.example"))
        } throws: { error in
            let error = error as? NotificationError
            return error?.code == .permanentReply && error?.replyCode == 550
                && error?.isPermanent == true
        }
        #expect {
            try self.client(sink).deliver(try self.message(to: "defer-me@nhs.example"))
        } throws: { error in
            let error = error as? NotificationError
            return error?.code == .transientReply && error?.replyCode == 451
                && error?.isPermanent == false
        }
        try self.client(sink).deliver(try self.message(to: "defer-me@nhs.example"))
        #expect(try sink.received().count == 1)

        let closed = try SMTPSink.freePort()
        #expect {
            try SMTPClient(
                configuration: SMTPConfiguration(
                    host: "127.0.0.1", port: closed, security: .plaintext, heloName: "a"),
                logger: Self.logger
            ).deliver(try self.message())
        } throws: { error in
            (error as? NotificationError)?.code == .connectionFailed
        }
    }

    @Test(
        "line breaks in a subject or address never reach the wire",
        arguments: [
            ("ada@nhs.example", "Code\r\nBcc: victim@example.org"),
            ("ada@nhs.example", "Code\nX-Injected: 1"),
            ("ada@nhs.example\r\nRCPT TO:<victim@example.org>", "Code"),
            ("ada@nhs.example>\r\nDATA", "Code"),
            ("Ada <ada@nhs.example>", "Code"),
        ])
    func headerInjection(recipient: String, subject: String) {
        #expect(throws: NotificationError.self) {
            _ = try OutgoingEmail(to: recipient, subject: subject, body: "x")
        }
        #expect(throws: NotificationError.self) {
            _ = try EmailMessage(
                reference: UUID(), from: try EmailAddress("no-reply@portal.example"),
                to: try EmailAddress(recipient),
                subject: subject, body: "x")
        }
    }
}
