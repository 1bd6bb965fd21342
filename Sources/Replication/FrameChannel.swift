import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One TLS connection carrying `WireProtocol` frames, on a nonblocking socket driven with
/// poll(2) from the one thread that owns it. Every call has a deadline; `interrupted` is
/// asked about once a second while waiting, so a stopping daemon leaves idle connections.
final class FrameChannel {
    let descriptor: Int32
    private let session: TLSSession
    private let peer: String
    private var closed = false

    private init(descriptor: Int32, session: TLSSession, peer: String) {
        self.descriptor = descriptor
        self.session = session
        self.peer = peer
    }

    deinit {
        self.close()
    }

    /// Connects to the receiver, completes the TLS handshake (each side verifies the other's
    /// certificate) and exchanges greetings.
    static func connect(
        to endpoint: Endpoint, serverName: String, context: TLSContext, timeout: Duration
    ) throws(ReplicatorError) -> FrameChannel {
        let deadline = ContinuousClock.now + timeout
        let fd = try Sockets.connectTCP(endpoint, timeout: timeout)
        let session: TLSSession
        do {
            session = try TLSSession(context: context, socket: fd, serverName: serverName)
        } catch {
            Glibc.close(fd)
            throw ReplicatorError(.transport, "TLS with \(endpoint): \(error)")
        }
        let channel = FrameChannel(descriptor: fd, session: session, peer: endpoint.description)
        try channel.handshake(until: deadline)
        try channel.send(.hello, Array(WireProtocol.greeting.utf8), until: deadline)
        let (kind, payload) = try channel.receive(
            limit: { _ in WireProtocol.controlLimit }, until: deadline)
        guard kind == .hello, payload == Array(WireProtocol.greeting.utf8) else {
            throw ReplicatorError(
                .protocolViolation, "\(endpoint) does not speak \(WireProtocol.greeting)")
        }
        return channel
    }

    /// The server side of an accepted connection, up to the end of the handshake.
    static func accept(
        descriptor: Int32, context: TLSContext, peer: String, timeout: Duration
    ) throws(ReplicatorError) -> FrameChannel {
        let session: TLSSession
        do {
            session = try TLSSession(context: context, socket: descriptor, serverName: nil)
        } catch {
            Glibc.close(descriptor)
            throw ReplicatorError(.transport, "TLS with \(peer): \(error)")
        }
        let channel = FrameChannel(descriptor: descriptor, session: session, peer: peer)
        try channel.handshake(until: .now + timeout)
        return channel
    }

    func send(
        _ kind: WireProtocol.Kind, _ payload: [UInt8], until deadline: ContinuousClock.Instant
    ) throws(ReplicatorError) {
        let length = UInt32(payload.count)
        let header: [UInt8] = [
            kind.rawValue, UInt8(length >> 24), UInt8((length >> 16) & 0xFF),
            UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF),
        ]
        try self.writeAll(header, until: deadline)
        try self.writeAll(payload, until: deadline)
    }

    func send(
        _ kind: WireProtocol.Kind, text: String, until deadline: ContinuousClock.Instant
    ) throws(ReplicatorError) {
        try self.send(kind, Array(text.utf8.prefix(WireProtocol.controlLimit)), until: deadline)
    }

    /// Reads one frame; `limit` gives the largest length accepted for its kind, and a longer
    /// frame is refused before its bytes are read. A peer that closed between frames throws
    /// `transport` with "closed".
    func receive(
        limit: (WireProtocol.Kind) -> Int, until deadline: ContinuousClock.Instant,
        interrupted: () -> Bool = { false }
    ) throws(ReplicatorError) -> (WireProtocol.Kind, [UInt8]) {
        let header = try self.readExactly(5, until: deadline, interrupted: interrupted)
        guard let kind = WireProtocol.Kind(rawValue: header[0]) else {
            throw ReplicatorError(
                .protocolViolation, "unknown frame kind \(header[0]) from \(self.peer)")
        }
        let length =
            Int(header[1]) << 24 | Int(header[2]) << 16 | Int(header[3]) << 8 | Int(header[4])
        guard length <= limit(kind) else {
            throw ReplicatorError(
                .protocolViolation,
                "a \(kind) frame of \(length) bytes from \(self.peer) is over its limit of "
                    + "\(limit(kind))")
        }
        let payload = try self.readExactly(length, until: deadline, interrupted: { false })
        return (kind, payload)
    }

    /// Closes after a refusal so that the refusal reaches the peer: a socket closed with
    /// unread input resets the connection, and the peer would see the reset instead. The
    /// input is read and dropped for up to a second (and 1 MiB) after our side is shut.
    func closeAfterRefusal() {
        guard !self.closed else { return }
        self.session.shutdown()
        Glibc.shutdown(self.descriptor, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + .seconds(1)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var dropped = 0
        while dropped < 1 << 20, Sockets.wait(self.descriptor, writable: false, until: deadline) {
            let count = Glibc.read(self.descriptor, &buffer, buffer.count)
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { break }
            dropped += count
        }
        self.closed = true
        Glibc.close(self.descriptor)
    }

    /// Sends close_notify and closes the socket.
    func close() {
        guard !self.closed else { return }
        self.closed = true
        self.session.shutdown()
        Glibc.close(self.descriptor)
    }

    private func handshake(until deadline: ContinuousClock.Instant) throws(ReplicatorError) {
        while true {
            let step: TLSSession.Progress<Void>
            do {
                step = try self.session.handshake()
            } catch {
                throw ReplicatorError(.transport, "TLS handshake with \(self.peer): \(error)")
            }
            switch step {
            case .done: return
            case .wantRead: try self.await(writable: false, deadline, { false })
            case .wantWrite: try self.await(writable: true, deadline, { false })
            case .closed:
                throw ReplicatorError(
                    .transport, "\(self.peer) closed the connection during the TLS handshake")
            }
        }
    }

    private func readExactly(
        _ count: Int, until deadline: ContinuousClock.Instant, interrupted: () -> Bool
    ) throws(ReplicatorError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let step: TLSSession.Progress<Int>
            do {
                step = try bytes.withUnsafeMutableBytes { raw throws(SecurityError) in
                    try self.session.read(
                        into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                }
            } catch {
                throw ReplicatorError(.transport, "reading from \(self.peer): \(error)")
            }
            switch step {
            case .done(let read): filled += read
            case .wantRead: try self.await(writable: false, deadline, interrupted)
            case .wantWrite: try self.await(writable: true, deadline, interrupted)
            case .closed:
                throw ReplicatorError(.transport, "\(self.peer) closed the connection")
            }
        }
        return bytes
    }

    private func writeAll(
        _ bytes: [UInt8], until deadline: ContinuousClock.Instant
    ) throws(ReplicatorError) {
        var sent = 0
        while sent < bytes.count {
            let step: TLSSession.Progress<Int>
            do {
                step = try bytes.withUnsafeBytes { raw throws(SecurityError) in
                    try self.session.write(UnsafeRawBufferPointer(rebasing: raw[sent...]))
                }
            } catch {
                throw ReplicatorError(.transport, "writing to \(self.peer): \(error)")
            }
            switch step {
            case .done(let written): sent += written
            case .wantRead: try self.await(writable: false, deadline, { false })
            case .wantWrite: try self.await(writable: true, deadline, { false })
            case .closed:
                throw ReplicatorError(.transport, "\(self.peer) closed the connection")
            }
        }
    }

    private func await(
        writable: Bool, _ deadline: ContinuousClock.Instant, _ interrupted: () -> Bool
    ) throws(ReplicatorError) {
        while true {
            guard !interrupted() else {
                throw ReplicatorError(.transport, "stopping: connection to \(self.peer) closed")
            }
            let slice = min(deadline, ContinuousClock.now + .seconds(1))
            if Sockets.wait(self.descriptor, writable: writable, until: slice) { return }
            guard ContinuousClock.now < deadline else {
                throw ReplicatorError(.transport, "\(self.peer) timed out")
            }
        }
    }
}
