import Foundation
import Telemetry

/// Site A's shipping daemon: scans `archive_status` for ready files, ships the oldest
/// `lookahead` of them on `streams` parallel TLS connections, answers `push` on its control
/// socket, and keeps the backlog metrics and the lag warning up to date.
public final class ShipDaemon: Sendable {
    let configuration: ShipperConfiguration
    let queue: ShipQueue
    let metrics: ShipperMetrics
    let logger: Logger
    let stopSignal: StopSignal
    let streams: [ShipStream]
    let control: ControlServer

    /// How often `archive_status` is scanned.
    static let scanInterval = Duration.milliseconds(200)

    /// Checks the TLS files and opens the control socket; nothing is shipped before `run`.
    public init(
        _ configuration: ShipperConfiguration, metrics: Metrics, logger: Logger,
        fault: TransitFault, stop: StopSignal
    ) throws(ReplicatorError) {
        guard FileManager.default.fileExists(atPath: configuration.walDirectory + "/archive_status")
        else {
            throw ReplicatorError(
                .configuration,
                "walDirectory \(configuration.walDirectory) has no archive_status folder: "
                    + "is it a PostgreSQL pg_wal?")
        }
        self.configuration = configuration
        self.queue = ShipQueue(lookahead: configuration.lookahead)
        do {
            self.metrics = try ShipperMetrics(metrics)
        } catch {
            throw ReplicatorError(.configuration, "metrics: \(error)")
        }
        self.logger = logger
        self.stopSignal = stop
        let context = try configuration.tls.clientContext()
        self.streams = (0..<configuration.streams).map { [queue, metrics = self.metrics] index in
            ShipStream(
                index: index, configuration: configuration, context: context, queue: queue,
                metrics: metrics, fault: fault, logger: logger)
        }
        self.control = try ControlServer(
            path: configuration.controlSocket, walDirectory: configuration.walDirectory,
            queue: self.queue, logger: logger, stop: stop)
    }

    /// Ships until the stop signal, then lets the streams finish the file in hand.
    public func run() {
        self.control.start()
        let finished = DispatchGroup()
        for stream in self.streams {
            finished.enter()
            Thread.detachNewThread {
                stream.run()
                finished.leave()
            }
        }

        var lastAlert: ContinuousClock.Instant?
        while !self.stopSignal.isStopped {
            self.scan(lastAlert: &lastAlert)
            self.queue.pause(Self.scanInterval)
        }
        self.control.remove()
        self.queue.stop()
        _ = finished.wait(timeout: .now() + 15)
    }

    /// One scan: the backlog, the generation counter, the gauges and the lag warning.
    private func scan(lastAlert: inout ContinuousClock.Instant?) {
        let (new, pending) = self.queue.update(
            scan: ReadyFile.scan(walDirectory: self.configuration.walDirectory))
        for file in new {
            self.metrics.generatedFiles.increment()
            self.metrics.generatedBytes.increment(by: UInt64(file.size))
        }
        self.metrics.sampleRates()
        self.metrics.backlogFiles.set(Double(pending.count))
        self.metrics.backlogBytes.set(Double(pending.reduce(0) { $0 + $1.size }))
        let oldest = pending.map(\.readySince).min()
        let age = oldest.map { max(0, Date().timeIntervalSince($0)) } ?? 0
        self.metrics.backlogOldestAge.set(age)

        let threshold = Double(self.configuration.backlogAlertSeconds)
        let repeatEvery = Duration.seconds(max(10, self.configuration.backlogAlertSeconds))
        guard age > threshold else { return }
        if let lastAlert, ContinuousClock.now - lastAlert < repeatEvery { return }
        lastAlert = .now
        self.logger.warning(
            "archive backlog is behind",
            [
                ("backlog.oldest_age_seconds", .double(age.rounded())),
                ("backlog.files", .int(Int64(pending.count))),
                (
                    "backlog.oldest_file",
                    .string(pending.min { $0.readySince < $1.readySince }?.name.name ?? "")
                ),
                ("backlog.alert_seconds", .int(Int64(self.configuration.backlogAlertSeconds))),
            ])
    }
}
