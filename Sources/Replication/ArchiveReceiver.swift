import Foundation
import Security
import Synchronization
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Site B's receiving daemon: accepts mutual-TLS connections from the shipper, a thread
/// each up to `maximumConnections`, and stores the files offered into the WAL archive.
public final class ArchiveReceiver: Sendable {
    /// More connections than this are closed at once: the shipper opens `streams` of them.
    public static let maximumConnections = 64

    /// The port it listens on (the configured one, or the one picked for port 0).
    public let port: Int
    let archive: WALArchive
    let context: TLSContext
    let logger: Logger
    let metrics: ReceiverMetrics
    let stopSignal: StopSignal
    private let listener: Int32
    private let open = Mutex(0)

    /// Binds the listening socket and opens the archive (`<archiveDirectory>/wal`).
    public init(
        _ configuration: ReceiverConfiguration, metrics: Metrics, logger: Logger, stop: StopSignal
    ) throws(ReplicatorError) {
        let owner = try Self.owner(of: configuration)
        do {
            self.archive = try WALArchive(folder: configuration.walFolder, owner: owner)
        } catch {
            throw ReplicatorError(error)
        }
        self.archive.removeStaleTemporaries()
        self.context = try configuration.tls.serverContext()
        self.metrics = try ReceiverMetrics(metrics)
        self.logger = logger
        self.stopSignal = stop
        (self.listener, self.port) = try Sockets.listenTCP(configuration.listen)
    }

    /// Run as root, the receiver gives what it stores to the owner of `archiveDirectory`
    /// (created for PostgreSQL's account by whoever set the site up), so that `fetch` as the
    /// standby's restore_command can read the archive. Otherwise files keep their creator.
    static func owner(
        of configuration: ReceiverConfiguration
    ) throws(ReplicatorError) -> (uid: UInt32, gid: UInt32)? {
        guard geteuid() == 0 else { return nil }
        try? FileManager.default.createDirectory(
            atPath: configuration.archiveDirectory, withIntermediateDirectories: true)
        var status = stat()
        guard stat(configuration.archiveDirectory, &status) == 0 else {
            throw ReplicatorError(
                .storage, "cannot read the owner of \(configuration.archiveDirectory)")
        }
        return status.st_uid == 0 ? nil : (status.st_uid, status.st_gid)
    }

    /// Accepts connections until the stop signal, then waits (up to `drain`) for the
    /// connections still storing a file to finish.
    public func run(drain: Duration = .seconds(15)) {
        while !self.stopSignal.isStopped {
            guard Sockets.wait(self.listener, writable: false, until: .now + .milliseconds(500)),
                let client = Sockets.accept(self.listener)
            else { continue }

            let admitted = self.open.withLock { count in
                guard count < Self.maximumConnections else { return false }
                count += 1
                return true
            }
            guard admitted else {
                self.logger.warning(
                    "connection refused: too many open",
                    [("receiver.connections", .int(Int64(Self.maximumConnections)))])
                close(client)
                continue
            }
            self.metrics.connections.increment()
            Thread.detachNewThread { [self] in
                ReceiveSession(receiver: self).serve(client)
                self.metrics.connections.decrement()
                self.open.withLock { $0 -= 1 }
            }
        }
        close(self.listener)

        let deadline = ContinuousClock.now + drain
        while self.open.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            usleep(20_000)
        }
    }
}
