// portal-coordinator: the witness site's decider. Loads its configuration and durable
// state (refusing to start on either being wrong), serves the failover protocol over
// HTTP, evaluates its rules every 50 ms, logs each decision at info, and stops on SIGTERM
// or SIGINT with exit status 0.
import Dispatch
import Failover
import Foundation
import HTTP
import Reactor
import Synchronization
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

do {
    try SignalWatcher.block([SIGTERM, SIGINT])
} catch {
    FileHandle.standardError.write(Data("portal-coordinator: \(error)\n".utf8))
    exit(1)
}

let arguments: Arguments
switch Arguments.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let parsed): arguments = parsed
case .failure(let usage):
    FileHandle.standardError.write(Data("portal-coordinator: \(usage.message)\n".utf8))
    exit(2)
}

let logger = Logger(label: "portal-coordinator")
let configuration: CoordinatorConfiguration
let coordinator: Coordinator
do {
    configuration = try CoordinatorConfiguration.load(path: arguments.configuration)
    coordinator = try Coordinator(configuration: configuration, logger: logger, now: .now())
} catch {
    logger.error("cannot start", [("error", .string(error.description))])
    exit(2)
}

let stopped = DispatchSemaphore(value: 0)
let running = Atomic<Bool>(true)

do {
    let group = try EventLoopGroup(count: 1, name: "coordinator")
    let routes = CoordinatorRoutes(
        coordinator: coordinator, metrics: CoordinatorMetrics(),
        changeTimeout: .milliseconds(configuration.leaseMilliseconds * 4 + 5000))
    let server = try HTTPServer(
        configuration: HTTPServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            limits: RequestParser.Limits(bodyBytes: 64 << 10), compression: nil,
            shutdownGrace: .seconds(2), accessLogLevel: .debug),
        group: group, responder: try routes.router(), logger: logger)
    try server.start()

    // The rules are evaluated every 50 ms until the stop signal.
    let ticker = Thread {
        while running.load(ordering: .acquiring) {
            coordinator.tick(at: .now())
            usleep(50_000)
        }
    }
    ticker.start()

    let watcher = try SignalWatcher(signals: [SIGTERM, SIGINT], loop: group.loops[0]) { signal in
        logger.info("stopping", [("signal", .int(Int64(signal)))])
        running.store(false, ordering: .releasing)
        Task {
            await server.shutdown()
            stopped.signal()
        }
    }
    let state = coordinator.snapshot
    logger.info(
        "started",
        [
            ("http.host", .string(configuration.listen.host)),
            ("http.port", .int(Int64(server.port))),
            ("failover.term", .int(Int64(state.durable.term.value))),
            ("failover.primary", .string(state.durable.primary?.rawValue ?? "")),
            ("failover.lease_ms", .int(Int64(configuration.leaseMilliseconds))),
            ("failover.strict", .bool(configuration.strictSynchronous)),
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
