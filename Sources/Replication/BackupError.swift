/// Why a base backup, a retention pass or a restore from the archive failed. Each failure
/// leaves the archive and the target folder as they were, so the message names what to fix.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The configuration file is missing, unreadable, or holds an unknown or bad key.
        case configuration
        /// An argument is out of its range (a time, a folder, a count).
        case invalidArgument = "invalid-argument"
        /// The archive holds no backup that fits the request.
        case noBackup = "no-backup"
        /// A program the work runs (pg_basebackup, pg_ctl) failed or could not start.
        case commandFailed = "command-failed"
        /// A stored file no longer matches the checksum in its backup's manifest.
        case corrupt
        /// The file system failed (full, read-only, permissions).
        case storage
        /// Waited too long for a program or for the server.
        case timedOut = "timed-out"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "backup \(self.code.rawValue): \(self.message)" }
}
