import Foundation
import Notifications

/// The outbox worker's settings from `PORTAL_SMTP_*` and `PORTAL_MAIL_FROM`: the relay and
/// the From address. Without a relay no worker runs on this node, and e-mails wait in the
/// outbox for a node that has one.
struct MailSettings {
    let smtp: SMTPConfiguration
    let worker: OutboxWorker.Configuration

    static let variables: [(String, String)] = [
        ("PORTAL_SMTP_HOST", "the SMTP relay; unset runs no outbox worker on this node"),
        ("PORTAL_SMTP_PORT", "its port (587)"),
        ("PORTAL_SMTP_SECURITY", "starttls, starttls-opportunistic, tls or plaintext (starttls)"),
        ("PORTAL_SMTP_USER", "AUTH user name, with PORTAL_SMTP_PASSWORD"),
        ("PORTAL_SMTP_PASSWORD", "AUTH password"),
        ("PORTAL_MAIL_FROM", "the From address of every e-mail (required with a relay)"),
    ]

    /// Nil when no relay is configured.
    static func fromEnvironment(
        _ environment: [String: String]
    ) throws(ConfigurationError) -> MailSettings? {
        guard let host = Self.value(environment, "PORTAL_SMTP_HOST") else { return nil }

        let portText = Self.value(environment, "PORTAL_SMTP_PORT") ?? "587"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ConfigurationError(
                variable: "PORTAL_SMTP_PORT", value: portText, expected: "a port, 1-65535")
        }
        let security: SMTPConfiguration.Security
        switch Self.value(environment, "PORTAL_SMTP_SECURITY") ?? "starttls" {
        case "starttls": security = .startTLSRequired
        case "starttls-opportunistic": security = .startTLSOpportunistic
        case "tls": security = .implicitTLS
        case "plaintext": security = .plaintext
        case let other:
            throw ConfigurationError(
                variable: "PORTAL_SMTP_SECURITY", value: other,
                expected: "starttls, starttls-opportunistic, tls or plaintext")
        }
        let fromText = Self.value(environment, "PORTAL_MAIL_FROM") ?? ""
        let from: EmailAddress
        do {
            from = try EmailAddress(fromText)
        } catch {
            throw ConfigurationError(
                variable: "PORTAL_MAIL_FROM", value: fromText, expected: "an e-mail address")
        }

        var credentials: SMTPConfiguration.Credentials?
        if let user = Self.value(environment, "PORTAL_SMTP_USER") {
            credentials = .init(
                username: user, password: environment["PORTAL_SMTP_PASSWORD"] ?? "")
        }
        let helo = ProcessInfo.processInfo.hostName
        let smtp = SMTPConfiguration(
            host: host, port: port, security: security, credentials: credentials,
            heloName: helo.isEmpty ? "portal-api" : helo)
        return MailSettings(smtp: smtp, worker: OutboxWorker.Configuration(sender: from))
    }

    private static func value(_ environment: [String: String], _ name: String) -> String? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        return text
    }
}
