import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The account the servers (PostgreSQL, the replicator, the API nodes, HAProxy) run as.
/// PostgreSQL refuses to run as root, so as root they run as `postgres`, started through
/// `setpriv`, which execs in place: the pid recorded is the server's own.
public struct ServerAccount: Sendable {
    /// The user and group ids to switch to; nil when the current user runs them itself.
    public let user: (name: String, uid: uid_t, gid: gid_t)?

    /// `postgres` when running as root, else the current user.
    public static func current() throws(TopologyError) -> ServerAccount {
        guard getuid() == 0 else { return ServerAccount(user: nil) }
        guard let entry = getpwnam("postgres") else {
            throw TopologyError(
                .programMissing,
                "running as root needs the `postgres` account (the postgresql package makes it)")
        }
        return ServerAccount(user: ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid))
    }

    /// `command` as run under this account.
    public func command(_ command: [String]) -> [String] {
        guard let user = self.user else { return command }
        let switchUser = [
            "/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--init-groups", "--",
        ]
        return switchUser + command
    }

    /// Makes `path` belong to this account (nothing to do when not root).
    public func own(_ path: String) throws(TopologyError) {
        guard let user = self.user else { return }
        guard chown(path, user.uid, user.gid) == 0 else {
            throw TopologyError(
                .storage,
                "cannot give \(path) to \(user.name): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `text` to `path` atomically, owned by this account, with `mode`.
    public func write(_ text: String, to path: String, mode: Int = 0o644) throws(TopologyError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            throw TopologyError(.storage, "cannot write \(path): \(error)")
        }
        try self.own(path)
    }
}
