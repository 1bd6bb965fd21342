import Foundation
import Replication

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// SIGTERM and SIGINT for the resident commands: blocked before any thread starts, then
/// taken by one thread with sigwait(2), which raises the daemon's stop signal.
enum DaemonSignals {
    static func blockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits for SIGTERM or SIGINT on a thread of its own and then calls `onSignal`.
    static func watch(_ onSignal: @escaping @Sendable (Int32) -> Void) {
        Thread.detachNewThread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            sigaddset(&set, SIGINT)
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            onSignal(received)
        }
    }
}
