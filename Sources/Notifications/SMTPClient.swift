import Foundation
import Security
import Telemetry

/// Delivers one message over one SMTP connection: connects, drives an `SMTPConversation`
/// with the relay's replies, and says QUIT. Blocks the calling thread for at most the
/// configured timeouts per step.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let logger: Logger

    public init(configuration: SMTPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger.with(
            "smtp.host", .string("\(configuration.host):\(configuration.port)"))
    }

    /// Sends `message`; returns once the relay has accepted it. Throws a
    /// `NotificationError` whose `isPermanent` says whether a retry could help.
    public func deliver(_ message: EmailMessage, date: Date = Date()) throws(NotificationError) {
        let configuration = self.configuration
        let transport = try SMTPTransport.connect(
            host: configuration.host, port: configuration.port,
            timeout: configuration.connectTimeout)

        if configuration.security == .implicitTLS {
            try transport.startTLS(
                context: try self.tlsContext(), serverName: configuration.host,
                deadline: self.deadline())
        }

        var conversation = SMTPConversation(
            configuration: configuration, sender: message.from, recipient: message.to)
        let data = SMTPData.stuffed(MessageRenderer.render(message, date: date))
        var action = conversation.received(try transport.readReply(deadline: self.deadline()))
        while true {
            switch action {
            case .send(let line):
                self.logger.trace(
                    "smtp command", [("smtp.command", .string(String(line.prefix(4))))])
                try transport.write(Array((line + "\r\n").utf8), deadline: self.deadline())
            case .sendSecret(let line):
                try transport.write(Array((line + "\r\n").utf8), deadline: self.deadline())
            case .sendMessage:
                try transport.write(data, deadline: self.deadline())
            case .startTLS:
                try transport.startTLS(
                    context: try self.tlsContext(), serverName: configuration.host,
                    deadline: self.deadline())
                action = conversation.tlsEstablished()
                continue
            case .delivered:
                self.quit(transport)
                return
            case .fail(let error):
                self.quit(transport)
                throw error
            }
            action = conversation.received(try transport.readReply(deadline: self.deadline()))
        }
    }

    /// Says goodbye without caring whether the relay answers: the outcome is already known.
    private func quit(_ transport: SMTPTransport) {
        let deadline = ContinuousClock.now + .seconds(2)
        _ = try? transport.write(Array("QUIT\r\n".utf8), deadline: deadline)
        _ = try? transport.readReply(deadline: deadline)
    }

    private func deadline() -> ContinuousClock.Instant {
        ContinuousClock.now + self.configuration.replyTimeout
    }

    private func tlsContext() throws(NotificationError) -> TLSContext {
        if let context = self.configuration.tls {
            return context
        }
        do {
            return try TLSContext(.client(trust: .system))
        } catch {
            throw NotificationError(
                .tlsUnavailable, error.description, context: self.configuration.host)
        }
    }
}
