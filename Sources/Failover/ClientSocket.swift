#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The socket calls of ``FailoverHTTPClient``: a nonblocking connection whose every wait
/// is a `poll` bounded by the exchange's deadline.
enum ClientSocket {
    /// Connects to `endpoint`, trying each address the host resolves to.
    static func connect(
        _ endpoint: HTTPEndpoint, deadline: ContinuousClock.Instant, target: String
    ) throws(FailoverHTTPError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(endpoint.host, String(endpoint.port), &hints, &found) == 0,
            let first = found
        else {
            throw FailoverHTTPError(.connect, "\(target): cannot resolve \(endpoint.host)")
        }
        defer { freeaddrinfo(first) }

        var lastError: Int32 = ECONNREFUSED
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            current = info.pointee.ai_next
            let fd = socket(
                info.pointee.ai_family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(
                fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                return fd
            }
            guard errno == EINPROGRESS else {
                lastError = errno
                close(fd)
                continue
            }
            do {
                try Self.wait(fd, events: Int16(POLLOUT), deadline, target, "connecting")
            } catch {
                close(fd)
                throw error
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            if failure == 0 { return fd }
            lastError = failure
            close(fd)
        }
        throw FailoverHTTPError(.connect, "\(target): \(Self.text(lastError))")
    }

    /// Sends all of `bytes` before the deadline.
    static func send(
        _ bytes: [UInt8], _ fd: Int32, _ deadline: ContinuousClock.Instant, _ target: String
    ) throws(FailoverHTTPError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBufferPointer {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try Self.wait(fd, events: Int16(POLLOUT), deadline, target, "sending")
            } else {
                throw FailoverHTTPError(.io, "\(target): sending failed: \(Self.text(errno))")
            }
        }
    }

    /// The next bytes the server sent; empty at the end of the stream.
    static func receive(
        _ fd: Int32, _ deadline: ContinuousClock.Instant, _ target: String
    ) throws(FailoverHTTPError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count >= 0 { return Array(buffer[0..<count]) }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw FailoverHTTPError(.io, "\(target): receiving failed: \(Self.text(errno))")
            }
            try Self.wait(fd, events: Int16(POLLIN), deadline, target, "waiting for the answer")
        }
    }

    private static func wait(
        _ fd: Int32, events: Int16, _ deadline: ContinuousClock.Instant, _ target: String,
        _ doing: String
    ) throws(FailoverHTTPError) {
        let left = ContinuousClock.now.duration(to: deadline)
        let milliseconds =
            left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else {
            throw FailoverHTTPError(.timedOut, "\(target): deadline passed while \(doing)")
        }
        var poller = pollfd(fd: fd, events: events, revents: 0)
        let ready = poll(&poller, 1, Int32(min(milliseconds, Int64(Int32.max))))
        if ready == 0 {
            throw FailoverHTTPError(.timedOut, "\(target): deadline passed while \(doing)")
        }
        if ready < 0 && errno != EINTR {
            throw FailoverHTTPError(.io, "\(target): poll failed: \(Self.text(errno))")
        }
    }

    private static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
