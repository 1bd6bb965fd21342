import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The temporary folder one cluster lives in: `data/`, `socket/`, `server.log`. Owned by the
/// server user, mode 0700, removed with everything in it when the cluster goes.
struct ClusterFolder: Sendable {
    let root: String

    var dataDirectory: String { "\(self.root)/data" }
    var socketDirectory: String { "\(self.root)/socket" }
    var logFile: String { "\(self.root)/server.log" }

    /// Where cluster folders are made: `$TMPDIR`, else /tmp.
    static var base: String {
        ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    }

    /// Folder names start with this, then the creating process's pid and a dash, so that a
    /// folder whose creator died without cleaning up can be recognised later.
    static let prefix = "portal-pg-"

    /// Makes a fresh folder under the system temporary directory, owned by `owner`.
    static func create(owner: String?) throws -> ClusterFolder {
        let base = Self.base
        var template = Array("\(base)/\(Self.prefix)\(getpid())-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw TestClusterError(
                .folderFailed, "cannot create a temporary folder under \(base): errno \(errno)")
        }
        let bytes = template.dropLast().map { UInt8(bitPattern: $0) }
        let root = String(decoding: bytes, as: UTF8.self)
        let folder = ClusterFolder(root: root)

        do {
            try FileManager.default.createDirectory(
                atPath: folder.socketDirectory, withIntermediateDirectories: false)
            _ = FileManager.default.createFile(atPath: folder.logFile, contents: nil)
            if let owner {
                try Self.chown([root, folder.socketDirectory, folder.logFile], to: owner)
            }
        } catch {
            folder.remove()
            throw error
        }
        return folder
    }

    /// Deletes the folder and everything in it; safe to call twice.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.root)
    }

    /// The last `lines` lines of the server log, for error messages.
    func logTail(lines: Int = 30) -> String {
        guard let text = try? String(contentsOfFile: self.logFile, encoding: .utf8) else {
            return "(no server log at \(self.logFile))"
        }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines).joined(separator: "\n")
    }

    /// Appends lines to a file in the data directory (postgresql.conf, pg_hba.conf).
    func append(_ text: String, to name: String) throws {
        let path = "\(self.dataDirectory)/\(name)"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TestClusterError(.folderFailed, "cannot open \(path) for writing")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Replaces a file in the data directory, keeping it owned by the server user.
    func write(_ text: String, to name: String, owner: String?) throws {
        let path = "\(self.dataDirectory)/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        if let owner {
            try Self.chown([path], to: owner)
        }
    }

    private static func chown(_ paths: [String], to user: String) throws {
        guard let entry = getpwnam(user) else {
            throw TestClusterError(
                .folderFailed,
                "running as root but there is no '\(user)' user to run PostgreSQL as; "
                    + "install the postgresql package")
        }
        for path in paths where Glibc.chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) != 0 {
            throw TestClusterError(.folderFailed, "cannot give \(path) to \(user): errno \(errno)")
        }
    }
}
