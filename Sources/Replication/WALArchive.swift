import Foundation
import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The WAL archive at the receiving site: one folder of archived files, each kept as the
/// zlib stream it crossed the link in (a WAL segment takes a fifth of its size or less),
/// with the SHA-256 of its uncompressed bytes beside it (`NAME.sha256`), written so that a
/// file the archive has acknowledged survives a crash of the machine.
///
/// A file is written under a temporary name and flushed to disk, then put in place and the
/// folder flushed, checksum first and file last (linked, never replacing): a name that
/// exists is complete. The same name with the same bytes is accepted again (PostgreSQL
/// re-archives after a crash); the same name with other bytes is refused and never
/// overwritten. Every read inflates the file and checks it against its checksum.
public struct WALArchive: Sendable {
    /// What `store` did.
    public enum Stored: Sendable, Equatable {
        case written
        /// The archive already held these exact bytes under this name.
        case alreadyPresent
    }

    public let folder: String
    /// The account given the folder and every file stored (uid, gid), when set.
    public let owner: (uid: UInt32, gid: UInt32)?

    /// An archive in `folder`, which is created when missing. With `owner`, the folder and
    /// each stored file are given to that account (a receiver running as root stores files
    /// the standby's `restore_command`, running as PostgreSQL's account, must read).
    public init(folder: String, owner: (uid: UInt32, gid: UInt32)? = nil) throws(ArchiveError) {
        self.folder = folder
        self.owner = owner
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError(.storage, "cannot create the archive folder \(folder): \(error)")
        }
        if let owner, chown(folder, owner.uid, owner.gid) != 0 {
            throw Self.failure("give to uid \(owner.uid)", folder)
        }
    }

    /// Stores `name` from the zlib stream `compressed` as it arrived, once it is durable.
    /// The stream must inflate to exactly `size` bytes whose SHA-256 is `checksum` (hex):
    /// it is inflated and hashed a slice at a time, and kept as received.
    public func store(
        _ name: WALFileName, compressed: [UInt8], size: Int, checksum expected: String
    ) throws(ArchiveError) -> Stored {
        let checksum = try Self.inflatedChecksum(compressed, expectedSize: size)
        guard expected.lowercased() == checksum else {
            throw ArchiveError(
                .corrupt, "\(name) arrived with SHA-256 \(checksum), not the \(expected) sent")
        }
        return try self.place(name, stream: compressed, checksum: checksum)
    }

    /// Stores the uncompressed `contents` as `name` once it is durable; `checksum` (hex
    /// SHA-256), when given, must match them.
    public func store(
        _ name: WALFileName, contents: [UInt8], checksum expected: String? = nil
    ) throws(ArchiveError) -> Stored {
        let checksum = try Self.checksum(contents)
        if let expected, expected.lowercased() != checksum {
            throw ArchiveError(
                .corrupt, "\(name) arrived with SHA-256 \(checksum), not the \(expected) sent")
        }
        return try self.place(
            name, stream: try SegmentCompression.compress(contents), checksum: checksum)
    }

    /// Puts a checked stream in place under `name`.
    ///
    /// Safe against concurrent stores of the same name, in this process or another (two
    /// streams, or a re-push racing the first): the bytes are written and flushed under
    /// temporary names first, then, holding the archive's lock, the name is checked again
    /// and the file linked into place with link(2), which fails rather than replace a file.
    private func place(
        _ name: WALFileName, stream: [UInt8], checksum: String
    ) throws(ArchiveError) -> Stored {
        if let stored = try self.compare(name, checksum) {
            return stored
        }

        let temporaryFile = try self.writeTemporary(stream, for: name.name)
        defer { unlink(temporaryFile) }
        let temporarySum = try self.writeTemporary(Array((checksum + "\n").utf8), for: name.name)
        defer { unlink(temporarySum) }

        return try self.locked { () throws(ArchiveError) -> Stored in
            if let stored = try self.compare(name, checksum) {
                return stored
            }
            // The name is free, so a checksum file under it is an orphan of a store that
            // stopped between its two steps: replacing it loses nothing acknowledged.
            guard rename(temporarySum, self.path(name.name + ".sha256")) == 0 else {
                throw Self.failure("rename", temporarySum)
            }
            guard link(temporaryFile, self.path(name.name)) == 0 else {
                throw Self.failure("link", self.path(name.name))
            }
            try self.flushFolder()
            return .written
        }
    }

    /// Compares a stored file's checksum with `checksum`: nil when the name is free.
    private func compare(
        _ name: WALFileName, _ checksum: String
    ) throws(ArchiveError) -> Stored? {
        guard let existing = try self.storedChecksum(name) else { return nil }
        guard existing == checksum else {
            throw ArchiveError(
                .conflict,
                "\(name) is archived already with other contents and is never overwritten; "
                    + Self.likelyCause(name))
        }
        return .alreadyPresent
    }

    /// The uncompressed bytes of `name`, checked against their checksum; nil when the
    /// archive does not hold it (yet).
    public func fetch(_ name: WALFileName) throws(ArchiveError) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: self.path(name.name)) else {
            return nil
        }
        guard let expected = try self.storedChecksum(name) else {
            throw ArchiveError(.corrupt, "\(name) has no stored checksum")
        }
        var contents: [UInt8] = []
        contents.reserveCapacity(16 << 20)
        let hasher = try Self.hasher()
        do {
            _ = try SegmentCompression.inflate([UInt8](data)) { (slice) throws(ArchiveError) in
                try Self.update(hasher, slice)
                contents.append(contentsOf: slice)
            }
        } catch {
            throw ArchiveError(.corrupt, "\(name) cannot be read back: \(error.message)")
        }
        let actual = try Self.finish(hasher)
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

    /// The SHA-256 of what `stream` inflates to, a slice at a time.
    private static func inflatedChecksum(
        _ stream: [UInt8], expectedSize: Int
    ) throws(ArchiveError) -> String {
        let hasher = try Self.hasher()
        _ = try SegmentCompression.inflate(stream, expectedSize: expectedSize) {
            (slice) throws(ArchiveError) in try Self.update(hasher, slice)
        }
        return try Self.finish(hasher)
    }

    private static func hasher() throws(ArchiveError) -> SHA256Hasher {
        do {
            return try SHA256Hasher()
        } catch {
            throw ArchiveError(.storage, "cannot compute SHA-256: \(error)")
        }
    }

    private static func update(
        _ hasher: SHA256Hasher, _ slice: UnsafeRawBufferPointer
    ) throws(ArchiveError) {
        do {
            try hasher.update(slice)
        } catch {
            throw ArchiveError(.storage, "cannot compute SHA-256: \(error)")
        }
    }

    private static func finish(_ hasher: SHA256Hasher) throws(ArchiveError) -> String {
        do {
            return try hasher.finishHex()
        } catch {
            throw ArchiveError(.storage, "cannot compute SHA-256: \(error)")
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

    /// Writes `bytes` to a new temporary file in the folder and flushes it; returns its path.
    private func writeTemporary(_ bytes: [UInt8], for file: String) throws(ArchiveError) -> String {
        let temporary = self.path(".\(file).\(UUID().uuidString).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Self.failure("create", temporary) }
        defer { close(descriptor) }
        if let owner = self.owner, fchown(descriptor, owner.uid, owner.gid) != 0 {
            let error = Self.failure("give to uid \(owner.uid)", temporary)
            unlink(temporary)
            throw error
        }

        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes {
                write(descriptor, $0.baseAddress, $0.count)
            }
            guard count > 0 else {
                let error = Self.failure("write", temporary)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = Self.failure("flush", temporary)
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Runs `body` holding an exclusive flock(2) on the folder itself, which every process
    /// and thread storing into this archive takes for the short check-and-link step (each
    /// open of the folder is its own lock holder, so threads exclude each other too).
    private func locked<Result>(
        _ body: () throws(ArchiveError) -> Result
    ) throws(ArchiveError) -> Result {
        let descriptor = open(self.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("open", self.folder) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Self.failure("lock", self.folder) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Flushes the folder, so that renames and links into it survive a crash.
    private func flushFolder() throws(ArchiveError) {
        let folder = open(self.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw Self.failure("open", self.folder) }
        defer { close(folder) }
        guard fsync(folder) == 0 else { throw Self.failure("flush", self.folder) }
    }

    /// Removes temporary files older than `age` left by stores that were interrupted (a
    /// crash of the receiver); younger ones may belong to a store in progress.
    public func removeStaleTemporaries(olderThan age: TimeInterval = 600) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: self.folder)) ?? []
        let limit = Date().addingTimeInterval(-age)
        for entry in entries where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
            let path = self.path(entry)
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: path))?[
                    .modificationDate] as? Date
            if let modified, modified < limit {
                unlink(path)
            }
        }
    }

    private static func failure(_ step: String, _ path: String) -> ArchiveError {
        ArchiveError(.storage, "cannot \(step) \(path): \(String(cString: strerror(errno)))")
    }
}
