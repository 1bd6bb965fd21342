import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One life of the supervised postmaster, started as the agent's own child.
///
/// A thread of its own starts it and then blocks in `waitpid` on its pid, so the agent hears
/// of its death the moment it happens (no polling), and `exited` is called with the exit
/// code from that thread. The same thread being the child's parent matters: the postmaster
/// is started with a parent-death signal, which the kernel sends when that thread ends, and
/// this one ends only after the postmaster has.
final class Postmaster: Sendable {
    let pid: pid_t
    let started: ContinuousClock.Instant

    private init(pid: pid_t) {
        self.pid = pid
        self.started = .now
    }

    /// Starts `argv` with output appended to `log`; `exited` gets the exit code (128 + the
    /// signal when a signal ended it).
    static func launch(
        _ argv: [String], log: String, directory: String,
        exited: @escaping @Sendable (Postmaster, Int32) -> Void
    ) async throws(AgentError) -> Postmaster {
        let launched: Result<Postmaster, AgentError> = await withCheckedContinuation {
            continuation in
            let thread = Thread {
                let pid: pid_t
                do {
                    pid = try ProcessSpawn.spawn(
                        argv, environment: ProcessSpawn.environment, output: log, truncate: false,
                        directory: directory)
                } catch let error as AgentError {
                    continuation.resume(returning: .failure(error))
                    return
                } catch {
                    continuation.resume(
                        returning: .failure(AgentError(.startFailed, "\(error)")))
                    return
                }
                let postmaster = Postmaster(pid: pid)
                continuation.resume(returning: .success(postmaster))

                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                exited(postmaster, ProcessSpawn.exitCode(status))
            }
            thread.name = "postmaster-watch"
            thread.start()
        }
        return try launched.get()
    }

    /// Sends `signal` to the postmaster (SIGINT fast stop, SIGQUIT immediate stop).
    func signal(_ signal: Int32) {
        kill(self.pid, signal)
    }
}
