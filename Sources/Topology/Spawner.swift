import ChildProcess

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `posix_spawn` call under `Command` and `Supervisor`.
enum Spawner {
    /// Starts `argv` (an absolute path first) with standard input from /dev/null and output
    /// and errors into files, in a process group of its own, or a session of its own when
    /// `newSession` (a daemon that outlives the command starting it). Returns its pid.
    static func spawn(
        _ argv: [String], environment: [String: String], output: String, errors: String,
        append: Bool, newSession: Bool
    ) throws(TopologyError) -> pid_t {
        do throws(ChildProcess.SpawnError) {
            return try ChildProcess.spawn(
                argv, environment: environment, output: output, errors: errors, append: append,
                grouping: newSession ? .session : .group)
        } catch {
            throw TopologyError(.commandFailed, error.description)
        }
    }
}
