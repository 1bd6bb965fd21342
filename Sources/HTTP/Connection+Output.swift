import CLinux
import Reactor

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Writing responses and closing.
extension Connection {
    /// Moves every ready response from the front of the queue to the socket.
    func flushQueue() {
        var closesAfter = false
        while let ready = self.queue.popReady() {
            self.outbound.append(contentsOf: ready.bytes)
            if ready.closesConnection {
                closesAfter = true
                self.queue.clear()
                break
            }
        }
        if closesAfter {
            self.readingStopped = true
            self.closeAfterWrite = true
        }
        self.writeOutbound()
    }

    /// Writes as much of the pending output as the socket takes.
    func writeOutbound() {
        while self.outboundSent < self.outbound.count && !self.closed {
            let written = self.outbound.withUnsafeBytes { bytes in
                send(
                    self.fd, bytes.baseAddress! + self.outboundSent,
                    bytes.count - self.outboundSent,
                    Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                self.outboundSent += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                self.watchWritable()
                return
            }
            self.closeNow()
            return
        }
        guard !self.closed else { return }

        self.outbound.removeAll(keepingCapacity: self.outbound.capacity <= 16 * 1024)
        self.outboundSent = 0
        if self.closeAfterWrite {
            self.beginLingeringClose()
        } else if self.peerClosed && self.queue.isEmpty {
            self.closeNow()
        } else if self.draining && self.queue.isEmpty && self.parser.phase == .idle {
            self.closeNow()
        }
    }

    /// A half-closed connection is not watched; a full socket buffer needs watching again.
    private func watchWritable() {
        guard !self.registered else { return }
        do {
            try self.loop.register(self.fd, interest: .writable, handler: self)
            self.registered = true
            self.interest = .writable
        } catch {
            self.closeNow()
        }
    }

    /// Watches for exactly what the connection can use now.
    func updateInterest() {
        guard self.registered && !self.closed else { return }

        var wanted: IOEvents = []
        if self.lingering || (!self.readingStopped && !self.readingPaused) {
            wanted.insert(.readable)
        }
        if self.outboundSent < self.outbound.count {
            wanted.insert(.writable)
        }
        guard wanted != self.interest else { return }
        do {
            try self.loop.reregister(self.fd, interest: wanted)
            self.interest = wanted
        } catch {
            self.closeNow()
        }
    }

    /// After the last response: stop sending, and read (discarding) until the client
    /// closes or the linger time ends, so that unread input does not turn the close into a
    /// reset that destroys the response in flight.
    func beginLingeringClose() {
        guard !self.lingering && !self.closed else { return }
        if self.peerClosed || !self.registered {
            self.closeNow()
            return
        }

        self.lingering = true
        self.queue.clear()
        _ = shutdown(self.fd, Int32(SHUT_WR))
        self.watch = .linger
        self.deadline = Monotonic.now() + self.server.configuration.timeouts.linger.nanoseconds
        self.updateInterest()
    }

    /// Closes the socket at once.
    func closeNow() {
        guard !self.closed else { return }
        self.closed = true
        self.queue.clear()
        self.outbound = []
        if self.registered {
            self.loop.deregister(self.fd)
            self.registered = false
        }
        close(self.fd)
        self.host.remove(self)
        if self.counted {
            self.server.state.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }
}
