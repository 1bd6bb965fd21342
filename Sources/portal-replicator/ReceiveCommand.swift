import Foundation
import Replication
import Telemetry

/// `receive`: site B's resident receiver, until SIGTERM.
enum ReceiveCommand {
    static func run(_ arguments: [String]) -> Int32 {
        DaemonSignals.blockTermination()
        guard let (file, _) = Usage.parse("receive", arguments, positionals: 0...0) else {
            return 2
        }
        let logger = Logging.logger("receive")
        let stop = StopSignal()
        do {
            let configuration = try ReceiverConfiguration.load(file: file)
            let metrics = Metrics()
            let receiver = try ArchiveReceiver(
                configuration, metrics: metrics, logger: logger, stop: stop)
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
                    ("receiver.port", .int(Int64(receiver.port))),
                    ("metrics.port", .int(metricsPort)),
                    ("archive.folder", .string(configuration.walFolder)),
                ])
            receiver.run()
            logger.info("stopped")
            return 0
        } catch {
            logger.error("cannot start", [("error", .string(error.description))])
            return error.code == .configuration ? 2 : 1
        }
    }
}
