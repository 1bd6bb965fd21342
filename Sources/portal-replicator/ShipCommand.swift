import Foundation
import Replication
import Telemetry

/// `ship`: site A's resident shipper, until SIGTERM.
enum ShipCommand {
    static func run(_ arguments: [String]) -> Int32 {
        DaemonSignals.blockTermination()
        guard let (file, _) = Usage.parse("ship", arguments, positionals: 0...0) else { return 2 }
        let logger = Logging.logger("ship")
        let stop = StopSignal()
        do {
            let configuration = try ShipperConfiguration.load(file: file)
            let fault = try TransitFault(environment: ProcessInfo.processInfo.environment)
            let metrics = Metrics()
            let daemon = try ShipDaemon(
                configuration, metrics: metrics, logger: logger, fault: fault, stop: stop)
            var metricsPort: Int64 = -1
            if let endpoint = configuration.metrics {
                let server = try MetricsEndpoint(endpoint, metrics: metrics, stop: stop)
                server.start()
                metricsPort = Int64(server.port)
            }
            DaemonSignals.watch { signal in
                logger.info("stopping", [("signal", .int(Int64(signal)))])
                stop.stop()
            }
            logger.info(
                "started",
                [
                    ("receiver", .string(configuration.receiver.description)),
                    ("streams", .int(Int64(configuration.streams))),
                    ("lookahead", .int(Int64(configuration.lookahead))),
                    ("metrics.port", .int(metricsPort)),
                    ("control.socket", .string(configuration.controlSocket)),
                ])
            daemon.run()
            logger.info("stopped")
            return 0
        } catch {
            logger.error("cannot start", [("error", .string(error.description))])
            return error.code == .configuration ? 2 : 1
        }
    }
}
