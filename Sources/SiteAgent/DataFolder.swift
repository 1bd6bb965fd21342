import Foundation

/// The files of the data folder the agent reads and writes beside PostgreSQL: whether it is
/// a standby (`standby.signal`), the standby settings in `postgresql.auto.conf`, and the
/// node's own configuration files, which `pg_rewind` would replace with its source's.
struct DataFolder: Sendable {
    let path: String
    let user: ServerUser

    var exists: Bool {
        FileManager.default.fileExists(atPath: self.path + "/PG_VERSION")
    }

    /// True when the server will start in recovery, as a standby.
    var isStandby: Bool {
        FileManager.default.fileExists(atPath: self.path + "/standby.signal")
    }

    /// Makes the next start a standby of `host`:`port`, streaming as `node` through the slot
    /// named `node`, with `user` for replication.
    func configureStandby(node: String, host: String, port: Int, user: String) throws(AgentError) {
        let conninfo =
            "host=\(host) port=\(port) user=\(user) application_name=\(node) connect_timeout=2"
        let settings = [
            "primary_conninfo": Self.quoted(conninfo), "primary_slot_name": Self.quoted(node),
        ]
        try self.replaceAutoSettings(settings)
        try self.write("", to: "standby.signal")
    }

    /// Replaces (or adds) `settings` in `postgresql.auto.conf`, the file ALTER SYSTEM
    /// writes, keeping its other lines.
    func replaceAutoSettings(_ settings: [String: String]) throws(AgentError) {
        let name = "postgresql.auto.conf"
        let text = (try? String(contentsOfFile: self.path + "/" + name, encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { line in
            let key = line.split(separator: "=").first?.trimmingCharacters(in: .whitespaces)
            return key.map { settings[$0] != nil } ?? false
        }
        while lines.last == "" { lines.removeLast() }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            lines.append("\(key) = \(value)")
        }
        try self.write(lines.joined(separator: "\n") + "\n", to: name)
    }

    /// The node's own configuration files at the top of the folder (`*.conf`), by name.
    func configurationFiles() throws(AgentError) -> [String: Data] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: self.path)
        } catch {
            throw AgentError(.storage, "cannot list \(self.path): \(error)")
        }
        var files: [String: Data] = [:]
        for name in names where name.hasSuffix(".conf") {
            if let data = FileManager.default.contents(atPath: self.path + "/" + name) {
                files[name] = data
            }
        }
        return files
    }

    /// Puts back files saved by `configurationFiles()`.
    func restore(_ files: [String: Data]) throws(AgentError) {
        for (name, data) in files {
            try self.write(String(decoding: data, as: UTF8.self), to: name)
        }
    }

    /// Writes `text` to `name` in the folder, owned by the server account, mode 0600.
    func write(_ text: String, to name: String) throws(AgentError) {
        let target = self.path + "/" + name
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        } catch {
            throw AgentError(.storage, "cannot write \(target): \(error)")
        }
        try self.user.own(target)
    }

    /// A setting's value as a quoted string literal for PostgreSQL's configuration files.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
