import Foundation
import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The WAL archive at the receiving site: one folder of archived files, each with its SHA-256
/// beside it (`NAME.sha256`), written so that a file the archive has acknowledged survives a
/// crash of the machine.
///
/// A file is written under a temporary name, flushed to disk, renamed into place, and the
/// folder flushed, checksum first and file last: a name that exists is complete. The same
/// name with the same bytes is accepted again (PostgreSQL re-archives after a crash); the
/// same name with other bytes is refused and never overwritten.
public struct WALArchive: Sendable {
    /// What `store` did.
    public enum Stored: Sendable, Equatable {
        case written
        /// The archive already held these exact bytes under this name.
        case alreadyPresent
    }

    public let folder: String

    /// An archive in `folder`, which is created when missing.
    public init(folder: String) throws(ArchiveError) {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError(.storage, "cannot create the archive folder \(folder): \(error)")
        }
    }

    /// Stores `contents` as `name` once it is durable; `checksum` (hex SHA-256), when the
    /// sender sends one, must match the bytes received.
    public func store(
        _ name: WALFileName, contents: [UInt8], checksum expected: String? = nil
    ) throws(ArchiveError) -> Stored {
        let checksum = try Self.checksum(contents)
        if let expected, expected.lowercased() != checksum {
            throw ArchiveError(
                .corrupt, "\(name) arrived with SHA-256 \(checksum), not the \(expected) sent")
        }

        if let existing = try self.storedChecksum(name) {
            guard existing == checksum else {
                throw ArchiveError(
                    .conflict,
                    "\(name) is archived already with other contents and is never overwritten; "
                        + Self.likelyCause(name))
            }
            return .alreadyPresent
        }

        try self.writeDurably(Array((checksum + "\n").utf8), as: name.name + ".sha256")
        try self.writeDurably(contents, as: name.name)
        return .written
    }

    /// The stored bytes of `name`, checked against their checksum; nil when the archive
    /// does not hold it (yet).
    public func fetch(_ name: WALFileName) throws(ArchiveError) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: self.path(name.name)) else {
            return nil
        }
        let contents = [UInt8](data)
        guard let expected = try self.storedChecksum(name) else {
            throw ArchiveError(.corrupt, "\(name) has no stored checksum")
        }
        let actual = try Self.checksum(contents)
        guard actual == expected else {
            throw ArchiveError(
                .corrupt, "\(name) no longer matches its checksum (\(actual), stored \(expected))")
        }
        return contents
    }

    /// The hex SHA-256 stored for `name`, if the archive holds it.
    func storedChecksum(_ name: WALFileName) throws(ArchiveError) -> String? {
        guard FileManager.default.fileExists(atPath: self.path(name.name)) else { return nil }
        guard let data = FileManager.default.contents(atPath: self.path(name.name + ".sha256"))
        else {
            throw ArchiveError(.corrupt, "\(name) has no stored checksum")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What most likely put other bytes under an archived name, for the operator.
    static func likelyCause(_ name: WALFileName) -> String {
        switch name.kind {
        case .segment:
            "likely two primaries wrote the same timeline (a split brain), or a backup was "
                + "restored onto the same timeline without a new one"
        case .history:
            "a timeline's history is written once; another server chose the same timeline "
                + "number (a split brain, or a promotion from an older backup)"
        case .partial:
            "a promoted standby kept a different end of the old timeline; both servers "
                + "may have been promoted"
        case .backup:
            "two base backups started at the same position on the same timeline"
        }
    }

    private static func checksum(_ contents: [UInt8]) throws(ArchiveError) -> String {
        do {
            return try SHA256.hex(contents)
        } catch {
            throw ArchiveError(.storage, "cannot compute SHA-256: \(error)")
        }
    }

    private func path(_ file: String) -> String {
        self.folder + "/" + file
    }

    /// Writes `bytes` to a temporary file, flushes it, renames it to `file` and flushes the
    /// folder, so that `file` either does not exist or is whole after a crash.
    private func writeDurably(_ bytes: [UInt8], as file: String) throws(ArchiveError) {
        let temporary = self.path(".\(file).\(UUID().uuidString).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Self.failure("create", temporary) }

        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes {
                write(descriptor, $0.baseAddress, $0.count)
            }
            guard count > 0 else {
                let error = Self.failure("write", temporary)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = Self.failure("flush", temporary)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)

        guard rename(temporary, self.path(file)) == 0 else {
            let error = Self.failure("rename", temporary)
            unlink(temporary)
            throw error
        }
        let folder = open(self.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw Self.failure("open", self.folder) }
        defer { close(folder) }
        guard fsync(folder) == 0 else { throw Self.failure("flush", self.folder) }
    }

    private static func failure(_ step: String, _ path: String) -> ArchiveError {
        ArchiveError(.storage, "cannot \(step) \(path): \(String(cString: strerror(errno)))")
    }
}
