import CLinux

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The socket calls the server makes, kept apart from the protocol logic.
enum Socket {
    /// A nonblocking listening socket on `host:port` with `SO_REUSEPORT`, so that each loop
    /// can have its own and the kernel spreads new connections between them.
    static func listen(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> Int32 {
        let address = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let info = found else {
            throw HTTPServerError(
                .invalidAddress, "cannot resolve the listening address", context: address)
        }
        defer { freeaddrinfo(info) }

        let fd = socket(
            info.pointee.ai_family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", address: address) }

        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size) == 0,
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) == 0
        else {
            close(fd)
            throw .system("setsockopt", address: address)
        }
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let error = HTTPServerError.system("bind", address: address)
            close(fd)
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = HTTPServerError.system("listen", address: address)
            close(fd)
            throw error
        }
        return fd
    }

    /// The port a listening socket is bound to (the kernel's choice when asked for 0).
    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Self.describe(storage).port
    }

    /// Accepts one connection; returns its descriptor and the peer as `host:port`, or the
    /// errno when none could be taken.
    static func accept(_ fd: Int32) -> Result<(Int32, String), Errno> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { clinux_accept(fd, $0, &length) }
        }
        guard client >= 0 else { return .failure(Errno(code: errno)) }

        var one: Int32 = 1
        _ = setsockopt(
            client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let peer = Self.describe(storage)
        return .success((client, peer.text))
    }

    private static func describe(_ storage: sockaddr_storage) -> (text: String, port: Int) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    let port = Int(UInt16(bigEndian: address.pointee.sin_port))
                    return ("\(Self.text(text)):\(port)", port)
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    let port = Int(UInt16(bigEndian: address.pointee.sin6_port))
                    return ("[\(Self.text(text))]:\(port)", port)
                }
            }
        default:
            return ("unknown", 0)
        }
    }
}

extension Socket {
    fileprivate static func text(_ characters: [CChar]) -> String {
        let bytes = characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// An errno value from a failed call.
struct Errno: Error {
    let code: Int32
}
