#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Asks the kernel for an unused loopback TCP port by binding port 0. The port is free when
/// returned but not reserved; a cluster that loses the race retries with another.
enum FreePort {
    static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw TestClusterError(
                .folderFailed, "cannot open a socket to find a port: errno \(errno)")
        }
        defer { close(fd) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)

        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                guard bind(fd, generic, length) == 0 else { return false }
                return getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            throw TestClusterError(
                .folderFailed, "cannot bind 127.0.0.1:0 to find a port: errno \(errno)")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
