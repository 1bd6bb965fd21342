#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Whole-file reads into a byte array, without Foundation's `Data` copy.
enum FileBytes {
    /// The bytes of `path`; nil when it does not exist.
    static func read(_ path: String) throws(ReplicatorError) -> [UInt8]? {
        try self.readVersion(path)?.bytes
    }

    /// The bytes of `path` and the identity of the version read (nil when it does not
    /// exist); a file that changed while it was read is an error, never a mix of versions.
    static func readVersion(
        _ path: String
    ) throws(ReplicatorError) -> (bytes: [UInt8], identity: FileIdentity)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw ReplicatorError(
                .storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let before = try Self.identity(fd, path)

        // Filled by read(2) straight away: zeroing 16 MiB first would cost as much again.
        var failure: String?
        let size = Int(before.size)
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let done = Glibc.read(fd, buffer.baseAddress! + count, size - count)
                if done < 0 && errno == EINTR { continue }
                guard done > 0 else {
                    failure = done == 0 ? "it shrank" : String(cString: strerror(errno))
                    return
                }
                count += done
            }
        }
        if let failure {
            throw ReplicatorError(.storage, "cannot read \(path): \(failure)")
        }
        guard try Self.identity(fd, path) == before else {
            throw ReplicatorError(.storage, "\(path) changed while it was read")
        }
        return (bytes, before)
    }

    private static func identity(
        _ fd: Int32, _ path: String
    ) throws(ReplicatorError) -> FileIdentity {
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw ReplicatorError(
                .storage, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        return FileIdentity(status)
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it into place, so a
    /// reader never sees part of the file; flushed first when `durable`.
    static func replace(
        _ path: String, with bytes: [UInt8], durable: Bool
    ) throws(ReplicatorError) {
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ReplicatorError(
                .storage, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let message = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw ReplicatorError(.storage, "cannot write \(temporary): \(message)")
            }
            written += count
        }
        if durable, fsync(fd) != 0 {
            let message = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw ReplicatorError(.storage, "cannot flush \(temporary): \(message)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw ReplicatorError(.storage, "cannot rename \(temporary) to \(path): \(message)")
        }
    }
}
