import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The write end of the pipe the stop signals are written into. Set once, before the
/// handler is installed; the handler only reads it (a signal handler can reach nothing but
/// a global).
nonisolated(unsafe) private var stopPipeWrite: Int32 = -1

/// SIGTERM and SIGINT: a handler writes the signal's number into a pipe, and one thread
/// reads it, so the agent can stop PostgreSQL cleanly before it exits. A handler rather
/// than a blocked mask and sigwait(2): threads the runtime or Foundation start may not
/// keep the mask, and any thread without it would take the signal's default action.
enum AgentSignals {
    /// Installs the handlers; call once, first.
    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        stopPipeWrite = ends[1]
        Self.reader = ends[0]
        for number in [SIGTERM, SIGINT] {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(stopPipeWrite, &byte, 1)
            }
        }
    }

    nonisolated(unsafe) private static var reader: Int32 = -1

    /// Returns once SIGTERM or SIGINT has arrived; the signal's number.
    static func next() async -> Int32 {
        let reader = Self.reader
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(reader, &byte, 1) < 0 && errno == EINTR {}
                continuation.resume(returning: Int32(byte))
            }
        }
    }
}
