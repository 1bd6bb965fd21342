// portal-api: the stateless API node behind HAProxy. Reads its settings from PORTAL_*
// variables, serves the portals and the operations endpoints, and stops gracefully on
// SIGTERM or SIGINT (exit status 0).
import Dispatch
import Foundation
import HTTP
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
do {
    configuration = try APIConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
} catch {
    let help = APIConfiguration.variables.map { "  \($0.0): \($0.1)" }.joined(separator: "\n")
    FileHandle.standardError.write(Data("portal-api: \(error)\nSettings:\n\(help)\n".utf8))
    exit(2)
}

let logger = Logger(label: "portal-api", level: configuration.logLevel)
let stopped = DispatchSemaphore(value: 0)

do {
    let group = try EventLoopGroup(count: configuration.loops, name: "http")
    let metrics = Metrics()
    let node = try APINode(
        configuration: configuration, group: group, metrics: metrics, logger: logger)
    try node.server.start()

    let watcher = try SignalWatcher(signals: [SIGTERM, SIGINT], loop: group.loops[0]) { signal in
        logger.info("stopping", [("signal", .int(Int64(signal)))])
        Task {
            await node.server.shutdown()
            await node.database?.close()
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
