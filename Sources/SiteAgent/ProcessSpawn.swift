import ChildProcess

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `posix_spawn` call under the agent's programs: standard input from /dev/null,
/// output and errors appended to one file, a process group of its own (a signal meant for
/// the agent's terminal never reaches PostgreSQL), no descriptor of the agent inherited,
/// started in `directory` (the server account may not enter the agent's own).
enum ProcessSpawn {
    static func spawn(
        _ argv: [String], environment: [String: String], output: String, truncate: Bool,
        directory: String = "/"
    ) throws(AgentError) -> pid_t {
        // `cd` then `exec`: the shell is replaced, so the pid is the program's own.
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
        do throws(ChildProcess.SpawnError) {
            return try ChildProcess.spawn(
                command, environment: environment, output: output, append: !truncate,
                grouping: .group)
        } catch {
            throw AgentError(.commandFailed, error.description)
        }
    }

    /// The exit code of a `waitpid` status, or 128 + the signal that ended the process.
    static func exitCode(_ status: Int32) -> Int32 {
        ChildProcess.exitCode(status)
    }

    /// The environment the agent's programs get: a fixed path and the C locale, so their
    /// messages read the same everywhere.
    static let environment = [
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C", "LANG": "C",
    ]
}
