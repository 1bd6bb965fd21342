import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// An exclusive `flock` on the state folder's `up.lock`, held while `up` or `down` works,
/// so that two of them never start or stop the same processes at once. The kernel releases
/// it when the process ends, however it ends.
final class StateLock {
    private let fd: Int32

    /// Takes the lock, or fails at once naming the holder's pid when another command has it.
    init(_ state: StateFolder) throws(TopologyError) {
        let fd = open(state.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TopologyError(
                .storage,
                "cannot open \(state.lockFile): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw TopologyError(
                .invalidArgument,
                "another portalctl up or down (pid \(holder)) is working on \(state.root)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit {
        flock(self.fd, LOCK_UN)
        close(self.fd)
    }
}
