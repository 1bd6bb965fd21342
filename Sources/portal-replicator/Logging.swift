import Foundation
import Telemetry

/// The JSON-lines logger of each command, at PORTAL_LOG_LEVEL (info by default).
enum Logging {
    static func logger(_ command: String) -> Logger {
        let name = ProcessInfo.processInfo.environment["PORTAL_LOG_LEVEL"] ?? "info"
        return Logger(
            label: "portal-replicator.\(command)", level: Logger.Level(name: name) ?? .info)
    }
}
