#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The account PostgreSQL and its programs run as. PostgreSQL refuses to run as root, so an
/// agent running as root runs them as `postgres` through `setpriv`, which execs in place:
/// the pid the agent holds is the server's own, and `waitpid` sees its death.
public struct ServerUser: Sendable {
    /// The ids to switch to; nil when the agent's own user runs them.
    public let ids: (uid: uid_t, gid: gid_t)?

    /// The account named `name` when the agent runs as root, else the agent's own user.
    public static func resolve(_ name: String) throws(AgentError) -> ServerUser {
        guard getuid() == 0 else { return ServerUser(ids: nil) }
        guard let entry = getpwnam(name) else {
            throw AgentError(
                .invalidConfiguration,
                "postgres.user \(name) is not an account on this machine; running as root needs it")
        }
        guard entry.pointee.pw_uid != 0 else {
            throw AgentError(
                .invalidConfiguration, "postgres.user \(name) is root; PostgreSQL refuses root")
        }
        return ServerUser(ids: (entry.pointee.pw_uid, entry.pointee.pw_gid))
    }

    /// `argv` as run under this account. With `deathSignal`, the program gets that signal
    /// when the thread that started it ends (the agent dying): a PostgreSQL whose agent is
    /// gone has nobody to fence it, so it stops rather than run on without a lease.
    public func command(_ argv: [String], deathSignal: String? = nil) -> [String] {
        var prefix = ["/usr/bin/setpriv"]
        if let ids = self.ids {
            prefix += ["--reuid=\(ids.uid)", "--regid=\(ids.gid)", "--init-groups"]
        }
        if let deathSignal {
            prefix.append("--pdeathsig=\(deathSignal)")
        }
        guard prefix.count > 1 else { return argv }
        return prefix + ["--"] + argv
    }

    /// Gives `path` to this account (nothing to do when not root).
    public func own(_ path: String) throws(AgentError) {
        guard let ids = self.ids else { return }
        guard chown(path, ids.uid, ids.gid) == 0 else {
            throw AgentError(.storage, "cannot give \(path) to the server account: errno \(errno)")
        }
    }
}
