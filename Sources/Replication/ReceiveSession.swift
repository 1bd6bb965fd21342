import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One shipper connection at the receiver: handshake, greeting, then offers and bodies
/// until the shipper leaves, the receiver stops, or the peer breaks the protocol.
struct ReceiveSession {
    let receiver: ArchiveReceiver

    /// How long a connection may sit between files before the receiver drops it.
    static let idleLimit = Duration.seconds(3_600)
    /// How long one frame may take to arrive once it has started or been asked for.
    static let transferLimit = Duration.seconds(120)

    func serve(_ descriptor: Int32) {
        let peer = Sockets.peerAddress(descriptor)
        let logger = self.receiver.logger.with("peer", .string(peer))
        let channel: FrameChannel
        do {
            channel = try FrameChannel.accept(
                descriptor: descriptor, context: self.receiver.context, peer: peer,
                timeout: .seconds(10))
        } catch {
            logger.warning("connection refused", [("error", .string(error.message))])
            return
        }
        defer { channel.close() }

        do throws(ReplicatorError) {
            let (kind, greeting) = try channel.receive(
                limit: { _ in WireProtocol.controlLimit }, until: .now + .seconds(10))
            guard kind == .hello, greeting == Array(WireProtocol.greeting.utf8) else {
                throw ReplicatorError(.protocolViolation, "expected \(WireProtocol.greeting)")
            }
            try channel.send(.hello, Array(WireProtocol.greeting.utf8), until: .now + .seconds(10))
            while !self.receiver.stopSignal.isStopped {
                try self.exchange(channel)
            }
        } catch {
            guard error.code == .protocolViolation else {
                logger.debug("connection ended", [("error", .string(error.message))])
                return
            }
            logger.warning("protocol violation", [("error", .string(error.message))])
            try? channel.send(.failure, text: error.message, until: .now + .seconds(2))
            channel.closeAfterRefusal()
        }
    }

    /// One offer and, when asked for, its body.
    private func exchange(_ channel: FrameChannel) throws(ReplicatorError) {
        let (kind, payload) = try channel.receive(
            limit: { _ in WireProtocol.controlLimit }, until: .now + Self.idleLimit,
            interrupted: { self.receiver.stopSignal.isStopped })
        guard kind == .offer else {
            throw ReplicatorError(.protocolViolation, "expected an offer, got \(kind)")
        }
        let offer = try WireProtocol.Offer(payload: payload)
        let reply = ContinuousClock.now + Self.transferLimit

        let stored: String?
        do {
            stored = try self.receiver.archive.storedChecksum(offer.name)
        } catch {
            try channel.send(.failure, text: error.message, until: reply)
            return
        }
        if let stored {
            guard stored == offer.checksum else {
                self.receiver.metrics.refusedConflict.increment()
                let message =
                    "\(offer.name) is archived already with SHA-256 \(stored), not "
                    + "\(offer.checksum), and is never overwritten; "
                    + WALArchive.likelyCause(offer.name)
                self.receiver.logger.warning(
                    "conflict",
                    [("wal.file", .string(offer.name.name)), ("error", .string(message))])
                try channel.send(.conflict, text: message, until: reply)
                return
            }
            self.receiver.metrics.alreadyArchived.increment()
            try channel.send(.have, [], until: reply)
            return
        }

        self.receiver.logger.debug("offered", [("wal.file", .string(offer.name.name))])
        try channel.send(.send, [], until: reply)
        let bodyKind: WireProtocol.Kind
        let body: [UInt8]
        do {
            (bodyKind, body) = try channel.receive(
                limit: { $0 == .body ? WireProtocol.bodyLimit(rawSize: offer.size) : 0 },
                until: .now + Self.transferLimit)
        } catch  where error.code == .transport {
            // Nothing of it was stored: the shipper offers it again when it is back.
            self.receiver.logger.info(
                "transfer interrupted",
                [("wal.file", .string(offer.name.name)), ("error", .string(error.message))])
            throw error
        }
        guard bodyKind == .body else {
            throw ReplicatorError(.protocolViolation, "expected the body of \(offer.name)")
        }
        let (answer, message) = self.store(offer, body)
        try channel.send(answer, text: message, until: .now + Self.transferLimit)
    }

    /// Inflates, checks and stores one file; the answer to send and its message.
    private func store(
        _ offer: WireProtocol.Offer, _ body: [UInt8]
    ) -> (WireProtocol.Kind, String) {
        let logger = self.receiver.logger.with("wal.file", .string(offer.name.name))
        do {
            let result = try self.receiver.archive.store(
                offer.name, compressed: body, size: offer.size, checksum: offer.checksum)
            if result == .written {
                self.receiver.metrics.storedFiles.increment()
                self.receiver.metrics.storedBytes.increment(by: UInt64(offer.size))
                logger.debug("stored", [("wal.bytes", .int(Int64(offer.size)))])
            } else {
                self.receiver.metrics.alreadyArchived.increment()
            }
            return (.stored, "")
        } catch {
            switch error.code {
            case .corrupt:
                self.receiver.metrics.refusedCorrupt.increment()
                logger.warning("refused corrupt file", [("error", .string(error.message))])
                return (.corrupt, error.message)
            case .conflict:
                self.receiver.metrics.refusedConflict.increment()
                logger.warning("conflict", [("error", .string(error.message))])
                return (.conflict, error.message)
            case .invalidName, .invalidArgument, .storage:
                logger.error("cannot store", [("error", .string(error.message))])
                return (.failure, error.message)
            }
        }
    }
}
