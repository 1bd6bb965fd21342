import Security
import Telemetry

/// One of the shipper's parallel TLS connections to site B: takes the next file from the
/// queue, offers it, sends its zlib body when asked, and reports site B's answer.
/// Reconnects with backoff (100 ms doubling to 2 s) while the receiver is down.
struct ShipStream: Sendable {
    let index: Int
    let configuration: ShipperConfiguration
    let context: TLSContext
    let queue: ShipQueue
    let metrics: ShipperMetrics
    let fault: TransitFault
    let logger: Logger

    /// A connection idle for longer than this is replaced before use.
    static let idleLimit = Duration.seconds(300)
    static let exchangeLimit = Duration.seconds(120)

    func run() {
        var channel: FrameChannel?
        var lastUse = ContinuousClock.now
        var backoff = Duration.milliseconds(100)
        var outage = false
        let logger = self.logger.with("stream", .int(Int64(self.index)))

        while !self.queue.isStopping {
            if let open = channel, ContinuousClock.now - lastUse > Self.idleLimit {
                open.close()
                channel = nil
                self.queue.connection(open: false)
                self.metrics.connections.decrement()
            }
            if channel == nil {
                do {
                    channel = try FrameChannel.connect(
                        to: self.configuration.receiver, serverName: self.configuration.serverName,
                        context: self.context, timeout: .seconds(5))
                    lastUse = .now
                    self.queue.connection(open: true)
                    self.metrics.connections.increment()
                    let receiver: (String, Logger.Value) = (
                        "receiver", .string("\(self.configuration.receiver)")
                    )
                    if outage {
                        logger.info("site B reachable again", [receiver])
                    } else {
                        logger.debug("connected", [receiver])
                    }
                    outage = false
                } catch {
                    self.metrics.connectFailures.increment()
                    self.queue.connectFailed(
                        "site B at \(self.configuration.receiver) is unreachable: \(error.message)")
                    if !outage {
                        logger.warning("site B unreachable", [("error", .string(error.message))])
                    }
                    outage = true
                    self.queue.pause(backoff)
                    backoff = min(backoff * 2, .seconds(2))
                    continue
                }
            }
            guard let open = channel, let job = self.queue.next(wait: .seconds(1)) else { continue }

            let result = self.ship(
                job, over: open, logger: logger.with("wal.file", .string(job.name.name)))
            lastUse = .now
            switch result {
            case .transport(let message):
                logger.info("connection lost", [("error", .string(message))])
                open.close()
                channel = nil
                self.queue.connection(open: false)
                self.metrics.connections.decrement()
                self.queue.finish(job, result)
                // Back off here too: a receiver that takes connections but drops each one
                // must not be hammered with handshakes.
                self.queue.pause(backoff)
                backoff = min(backoff * 2, .seconds(2))
            case .acknowledged:
                backoff = .milliseconds(100)
                self.queue.finish(job, result)
            case .conflict, .corrupt, .failed:
                self.queue.finish(job, result)
            }
        }
        if let open = channel {
            open.close()
            self.queue.connection(open: false)
            self.metrics.connections.decrement()
        }
    }

    /// One file: offer, body if asked, answer.
    private func ship(
        _ job: ShipQueue.Job, over channel: FrameChannel, logger: Logger
    ) -> ShipQueue.Result {
        let path = self.configuration.walDirectory + "/" + job.name.name
        let bytes: [UInt8]
        let version: ShipQueue.Acknowledgement
        do {
            guard let read = try FileBytes.readVersion(path) else {
                return .failed("\(path) does not exist")
            }
            bytes = read.bytes
            version = .init(checksum: try SHA256.hex(bytes), identity: read.identity)
        } catch let error as ReplicatorError {
            return .failed(error.message)
        } catch {
            return .failed("cannot compute the SHA-256 of \(path): \(error)")
        }

        let offer = WireProtocol.Offer(
            name: job.name, size: bytes.count, checksum: version.checksum)
        do {
            try channel.send(.offer, offer.payload, until: .now + Self.exchangeLimit)
            let (kind, message) = try self.answer(channel)
            switch kind {
            case .have:
                self.metrics.acknowledged(job.name, bytes: bytes.count)
                logger.debug("already archived")
                return .acknowledged(version, bytes: bytes.count, sent: false)
            case .send:
                break
            case .conflict:
                return self.conflict(job.name, version.identity, message, logger)
            default:
                return .failed("site B answered the offer of \(job.name) with \(kind): \(message)")
            }

            let body = try self.compress(self.fault.apply(job.name, bytes))
            try channel.send(.body, body, until: .now + Self.exchangeLimit)
            let (reply, detail) = try self.answer(channel)
            switch reply {
            case .stored:
                self.metrics.shippedFiles.increment()
                self.metrics.shippedBytes.increment(by: UInt64(bytes.count))
                self.metrics.shippedCompressedBytes.increment(by: UInt64(body.count))
                self.metrics.acknowledged(job.name, bytes: bytes.count)
                logger.debug("shipped", [("wal.bytes", .int(Int64(bytes.count)))])
                return .acknowledged(version, bytes: bytes.count, sent: true)
            case .corrupt:
                self.metrics.refusedCorrupt.increment()
                logger.warning(
                    "site B refused the file as corrupt; sending it again",
                    [("error", .string(detail))])
                return .corrupt(detail)
            case .conflict:
                return self.conflict(job.name, version.identity, detail, logger)
            default:
                return .failed("site B could not store \(job.name): \(detail)")
            }
        } catch {
            return .transport(error.message)
        }
    }

    private func conflict(
        _ name: WALFileName, _ identity: FileIdentity, _ message: String, _ logger: Logger
    ) -> ShipQueue.Result {
        self.metrics.refusedConflict.increment()
        logger.error("conflict at site B", [("error", .string(message))])
        return .conflict(identity: identity, message: message)
    }

    private func answer(
        _ channel: FrameChannel
    ) throws(ReplicatorError) -> (WireProtocol.Kind, String) {
        let (kind, payload) = try channel.receive(
            limit: { _ in WireProtocol.controlLimit }, until: .now + Self.exchangeLimit)
        return (kind, String(decoding: payload, as: UTF8.self))
    }

    private func compress(_ bytes: [UInt8]) throws(ReplicatorError) -> [UInt8] {
        do {
            return try SegmentCompression.compress(
                bytes, level: self.configuration.compressionLevel)
        } catch {
            throw ReplicatorError(error)
        }
    }
}
