#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What tells one version of a file from another without reading it: device, inode, size,
/// and the modification and change times to the nanosecond, as `make`, rsync and git's
/// index rely on. `push` sends it instead of a checksum, so that PostgreSQL's one-file-at-
/// a-time archiver never waits for 16 MiB to be read and hashed a second time: the daemon
/// hashed the file when it shipped it, and the identity shows it is still that file.
struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64
    let changed: Int64

    init(_ status: stat) {
        self.device = UInt64(status.st_dev)
        self.inode = UInt64(status.st_ino)
        self.size = Int64(status.st_size)
        self.modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        self.changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
    }

    init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }

    /// The identity of the file at `path`; nil when it does not exist.
    static func of(_ path: String) throws(ReplicatorError) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw ReplicatorError(
                .storage, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        return FileIdentity(status)
    }

    /// The text form `device:inode:size:modified:changed`, all decimal.
    var description: String {
        "\(self.device):\(self.inode):\(self.size):\(self.modified):\(self.changed)"
    }

    /// Parses the text form; nil for anything else.
    init?(text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, let device = UInt64(parts[0]), let inode = UInt64(parts[1]),
            let size = Int64(parts[2]), size >= 0, let modified = Int64(parts[3]),
            let changed = Int64(parts[4])
        else { return nil }
        self.init(device: device, inode: inode, size: size, modified: modified, changed: changed)
    }
}
