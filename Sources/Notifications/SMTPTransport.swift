import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A TCP connection to the relay with an optional TLS layer, where every read and write
/// waits (with `poll`) no longer than a deadline. Blocking the calling thread is deliberate:
/// `SMTPSender` runs deliveries on a queue of its own, never on an event loop.
final class SMTPTransport {
    private let socket: Int32
    private let host: String
    private var tls: TLSSession?
    private var parser = SMTPReplyParser()

    private init(socket: Int32, host: String) {
        self.socket = socket
        self.host = host
    }

    deinit {
        self.tls?.shutdown()
        _ = Glibc.close(self.socket)
    }

    /// Connects to `host`:`port` (each resolved address in turn) within `timeout`.
    static func connect(
        host: String, port: Int, timeout: Duration
    ) throws(NotificationError) -> SMTPTransport {
        let deadline = ContinuousClock.now + timeout
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw NotificationError(
                .connectionFailed, "cannot resolve the relay's name", context: "\(host):\(port)")
        }
        defer { freeaddrinfo(list) }

        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let socket = Glibc.socket(
                address.pointee.ai_family,
                address.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), address.pointee.ai_protocol)
            guard socket >= 0 else { continue }

            if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0
                || (errno == EINPROGRESS
                    && Self.finishConnect(socket, deadline: deadline, error: &lastError))
            {
                return SMTPTransport(socket: socket, host: host)
            }
            if errno != EINPROGRESS {
                lastError = String(cString: strerror(errno))
            }
            _ = Glibc.close(socket)
        }
        throw NotificationError(
            .connectionFailed, "cannot connect to the relay: \(lastError)",
            context: "\(host):\(port)")
    }

    private static func finishConnect(
        _ socket: Int32, deadline: ContinuousClock.Instant, error: inout String
    ) -> Bool {
        guard Self.wait(socket, for: Int16(POLLOUT), until: deadline) else {
            error = "timed out"
            return false
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &code, &length)
        if code != 0 {
            error = String(cString: strerror(code))
        }
        return code == 0
    }

    /// Runs the TLS handshake as a client of `serverName`.
    func startTLS(
        context: TLSContext, serverName: String, deadline: ContinuousClock.Instant
    ) throws(NotificationError) {
        do {
            let session = try TLSSession(
                context: context, socket: self.socket, serverName: serverName)
            while true {
                switch try session.handshake() {
                case .done:
                    self.tls = session
                    self.parser = SMTPReplyParser()
                    return
                case .wantRead: try self.await(Int16(POLLIN), deadline)
                case .wantWrite: try self.await(Int16(POLLOUT), deadline)
                case .closed:
                    throw NotificationError(
                        .tlsUnavailable, "the relay closed during the TLS handshake",
                        context: self.host)
                }
            }
        } catch let error as SecurityError {
            throw NotificationError(.tlsUnavailable, error.description, context: self.host)
        } catch let error as NotificationError {
            throw error
        } catch {
            throw NotificationError(.tlsUnavailable, "TLS failed", context: self.host)
        }
    }

    /// Reads until one complete reply has arrived.
    func readReply(deadline: ContinuousClock.Instant) throws(NotificationError) -> SMTPReply {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            if let reply = try self.parser.next() {
                return reply
            }
            let count = try self.receive(into: &buffer, deadline: deadline)
            guard count > 0 else {
                throw NotificationError(
                    .connectionFailed, "the relay closed the connection", context: self.host)
            }
            self.parser.append(buffer.prefix(count))
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(NotificationError) {
        var offset = 0
        while offset < bytes.count {
            let written = try self.send(Array(bytes[offset...]), deadline: deadline)
            offset += written
        }
    }

    private func receive(
        into buffer: inout [UInt8], deadline: ContinuousClock.Instant
    ) throws(NotificationError) -> Int {
        while true {
            if let tls = self.tls {
                let progress: TLSSession.Progress<Int>
                do {
                    progress = try buffer.withUnsafeMutableBytes { raw throws(SecurityError) in
                        try tls.read(into: raw)
                    }
                } catch {
                    throw NotificationError(.connectionFailed, "\(error)", context: self.host)
                }
                switch progress {
                case .done(let count): return count
                case .closed: return 0
                case .wantRead: try self.await(Int16(POLLIN), deadline)
                case .wantWrite: try self.await(Int16(POLLOUT), deadline)
                }
                continue
            }
            let count = Glibc.recv(self.socket, &buffer, buffer.count, 0)
            if count >= 0 {
                return count
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw NotificationError(
                    .connectionFailed, String(cString: strerror(errno)), context: self.host)
            }
            try self.await(Int16(POLLIN), deadline)
        }
    }

    private func send(
        _ bytes: [UInt8], deadline: ContinuousClock.Instant
    ) throws(NotificationError) -> Int {
        while true {
            if let tls = self.tls {
                let progress: TLSSession.Progress<Int>
                do {
                    progress = try bytes.withUnsafeBytes { raw throws(SecurityError) in
                        try tls.write(raw)
                    }
                } catch {
                    throw NotificationError(.connectionFailed, "\(error)", context: self.host)
                }
                switch progress {
                case .done(let count): return count
                case .closed:
                    throw NotificationError(
                        .connectionFailed, "the relay closed the connection", context: self.host)
                case .wantRead: try self.await(Int16(POLLIN), deadline)
                case .wantWrite: try self.await(Int16(POLLOUT), deadline)
                }
                continue
            }
            let count = Glibc.send(self.socket, bytes, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 {
                return count
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw NotificationError(
                    .connectionFailed, String(cString: strerror(errno)), context: self.host)
            }
            try self.await(Int16(POLLOUT), deadline)
        }
    }

    private func await(
        _ events: Int16, _ deadline: ContinuousClock.Instant
    ) throws(NotificationError) {
        guard Self.wait(self.socket, for: events, until: deadline) else {
            throw NotificationError(
                .timeout, "the relay did not answer in time", context: self.host)
        }
    }

    /// Polls until `events` or the deadline; false on timeout.
    private static func wait(
        _ socket: Int32, for events: Int16, until deadline: ContinuousClock.Instant
    ) -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }

            let milliseconds =
                remaining.components.seconds * 1_000 + remaining.components.attoseconds
                / 1_000_000_000_000_000
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let result = poll(&descriptor, 1, Int32(clamping: max(1, milliseconds)))
            if result > 0 {
                return true
            }
            if result < 0, errno != EINTR {
                return false
            }
        }
    }
}
