import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// SIGTERM and SIGINT: blocked before any thread starts, then taken by one thread with
/// sigwait(2), so the agent can stop PostgreSQL cleanly before it exits.
enum AgentSignals {
    static func blockTermination() {
        var set = Self.terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Returns once SIGTERM or SIGINT has arrived; the signal's number.
    static func next() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var set = Self.terminationSet()
                var received: Int32 = 0
                while sigwait(&set, &received) != 0 {}
                continuation.resume(returning: received)
            }
        }
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }
}
