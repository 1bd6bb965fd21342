// portal-api: the stateless API node behind HAProxy. Reads its settings from PORTAL_*
// variables, serves the portals and the operations endpoints, and stops gracefully on
// SIGTERM or SIGINT (exit status 0).
import Dispatch
import Foundation
import HTTP
import PortalAPI
import Reactor
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

// Signals are blocked before any thread starts, so that only the signalfd sees them.
do {
    try SignalWatcher.block([SIGTERM, SIGINT])
} catch {
    FileHandle.standardError.write(Data("portal-api: \(error)\n".utf8))
    exit(1)
}

let configuration: APIConfiguration
let portal: PortalConfiguration
let mail: MailSettings?
do {
    let environment = ProcessInfo.processInfo.environment
    configuration = try APIConfiguration.fromEnvironment(environment)
    portal = try PortalSettings.fromEnvironment(environment)
    mail = try MailSettings.fromEnvironment(environment)
} catch {
    let variables = APIConfiguration.variables + PortalSettings.variables + MailSettings.variables
    let help = variables.map { "  \($0.0): \($0.1)" }.joined(separator: "\n")
    FileHandle.standardError.write(Data("portal-api: \(error)\nSettings:\n\(help)\n".utf8))
    exit(2)
}

let logger = Logger(label: "portal-api", level: configuration.logLevel)
let stopped = DispatchSemaphore(value: 0)

do {
    let group = try EventLoopGroup(count: configuration.loops, name: "http")
    let metrics = Metrics()
    let node = try APINode(
        configuration: configuration, portal: portal, mail: mail, group: group, metrics: metrics,
        logger: logger)
    try node.server.start()
    let delivery = node.outboxWorker.map { worker in
        Task(executorPreference: group.loops[0]) { await worker.run() }
    }
    let retention = node.retention.map { retention in
        Task(executorPreference: group.loops[0]) { await retention.run() }
    }
    let purge = node.keyPurge.map { purge in
        Task(executorPreference: group.loops[0]) { await purge.run() }
    }

    let watcher = try SignalWatcher(signals: [SIGTERM, SIGINT], loop: group.loops[0]) { signal in
        logger.info("stopping", [("signal", .int(Int64(signal)))])
        Task {
            await node.server.shutdown()
            delivery?.cancel()
            retention?.cancel()
            purge?.cancel()
            await delivery?.value
            await retention?.value
            await purge?.value
            await node.database?.close()
            await node.reports?.close()
            stopped.signal()
        }
    }
    logger.info(
        "started",
        [
            ("http.host", .string(configuration.http.host)),
            ("http.port", .int(Int64(node.server.port))),
            ("http.loops", .int(Int64(configuration.loops))),
            ("db.configured", .bool(configuration.databaseURL != nil)),
            ("db.reports", .bool(configuration.reportDatabaseURL != nil)),
            ("outbox.worker", .bool(delivery != nil)),
        ])

    stopped.wait()
    withExtendedLifetime(watcher) {}
    group.shutdown()
    logger.info("stopped")
    exit(0)
} catch {
    logger.error("cannot start", [("error", .string("\(error)"))])
    exit(1)
}
