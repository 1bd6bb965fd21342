import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The socket calls the replicator makes: TCP and Unix-domain listeners and connections,
/// all nonblocking and waited on with poll(2) against a deadline, so no call can hang.
enum Sockets {
    /// A listening TCP socket on `endpoint` (IPv4 address); returns it and the bound port.
    static func listenTCP(
        _ endpoint: Endpoint, backlog: Int32 = 64
    ) throws(ReplicatorError)
        -> (descriptor: Int32, port: Int)
    {
        var address = try Self.ipv4(endpoint)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket", endpoint.description) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))

        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, backlog) == 0
                    && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            let error = Self.failure("listen on", endpoint.description)
            close(fd)
            throw error
        }
        Self.setNonblocking(fd)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A TCP connection to `endpoint`, established within `timeout`.
    static func connectTCP(
        _ endpoint: Endpoint, timeout: Duration
    ) throws(ReplicatorError) -> Int32 {
        var address = try Self.ipv4(endpoint)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket", endpoint.description) }
        Self.setNonblocking(fd)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            guard errno == EINPROGRESS else {
                let error = Self.failure("connect to", endpoint.description)
                close(fd)
                throw error
            }
            try Self.finishConnect(fd, endpoint.description, deadline: .now + timeout)
        }
        return fd
    }

    /// A listening Unix-domain socket at `path`. A socket file left by a daemon that no
    /// longer runs is replaced; one that still answers means another daemon owns it.
    static func listenUnix(_ path: String) throws(ReplicatorError) -> Int32 {
        if FileManager.default.fileExists(atPath: path) {
            if let probe = try? Self.connectUnix(path, timeout: .milliseconds(500)) {
                close(probe)
                throw ReplicatorError(
                    .storage, "another shipping daemon already answers on \(path)")
            }
            unlink(path)
        }
        var address = try Self.unixAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket", path) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 && listen(fd, 64) == 0
            }
        }
        guard bound else {
            let error = Self.failure("listen on", path)
            close(fd)
            throw error
        }
        Self.setNonblocking(fd)
        return fd
    }

    /// A connection to the Unix-domain socket at `path`.
    static func connectUnix(_ path: String, timeout: Duration) throws(ReplicatorError) -> Int32 {
        var address = try Self.unixAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket", path) }
        Self.setNonblocking(fd)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            guard errno == EINPROGRESS || errno == EAGAIN else {
                let error = Self.failure("connect to", path)
                close(fd)
                throw error
            }
            try Self.finishConnect(fd, path, deadline: .now + timeout)
        }
        return fd
    }

    /// Accepts one pending connection, or nil when none is waiting.
    static func accept(_ listener: Int32) -> Int32? {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        Self.setNonblocking(fd)
        return fd
    }

    /// The IPv4 address and port of the peer of `fd` ("10.0.0.2:51234"), for logs.
    static func peerAddress(_ fd: Int32) -> String {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getpeername(fd, $0, &length) == 0
            }
        }
        guard found, address.sin_family == sa_family_t(AF_INET) else { return "unknown peer" }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
        let host = String(
            decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(host):\(UInt16(bigEndian: address.sin_port))"
    }

    /// Waits until `fd` is readable (or writable) or `deadline` passes; false on timeout.
    static func wait(_ fd: Int32, writable: Bool, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let parts = left.components
            let milliseconds = Int32(
                min(parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000 + 1, 1_000))
            var entry = pollfd(fd: fd, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }

    static func setNonblocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    static func failure(_ step: String, _ target: String) -> ReplicatorError {
        ReplicatorError(
            .transport, "cannot \(step) \(target): \(String(cString: strerror(errno)))")
    }

    private static func finishConnect(
        _ fd: Int32, _ target: String, deadline: ContinuousClock.Instant
    ) throws(ReplicatorError) {
        guard Self.wait(fd, writable: true, until: deadline) else {
            close(fd)
            throw ReplicatorError(.transport, "cannot connect to \(target): timed out")
        }
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
        guard code == 0 else {
            close(fd)
            throw ReplicatorError(
                .transport, "cannot connect to \(target): \(String(cString: strerror(code)))")
        }
    }

    private static func ipv4(_ endpoint: Endpoint) throws(ReplicatorError) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(endpoint.port).bigEndian)
        guard inet_pton(AF_INET, endpoint.host, &address.sin_addr) == 1 else {
            throw ReplicatorError(
                .configuration, "\(endpoint.host) is not an IPv4 address (names are not resolved)")
        }
        return address
    }

    private static func unixAddress(_ path: String) throws(ReplicatorError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw ReplicatorError(
                .configuration, "the socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }
}
