import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `fetch` as the standby's `restore_command`, beside the archive at site B: hands over a
/// file after re-verifying its SHA-256, answers "missing" at once when the archive does not
/// hold it, and stages the following segments in a bounded spool so that a standby catching
/// up does not wait on checksum and copy one segment at a time.
///
/// The spool (`prefetchDirectory`) holds only verified files: a segment is verified against
/// its stored checksum and copied under a temporary name, then renamed to its own name, so
/// a name in the spool is a verified copy. Each staging is claimed with an exclusive
/// `.NAME.claim` file so two fetches never stage the same segment.
public struct WALFetcher: Sendable {
    let archive: WALArchive
    let spool: String
    let prefetch: Int

    /// Spool entries and claims older than this are stale (the standby moved on or a
    /// stager died) and removed.
    static let staleAfter: TimeInterval = 600
    static let claimStaleAfter: TimeInterval = 120

    /// Opens the archive and, when prefetching, the spool of site B's configuration.
    public init(_ configuration: ReceiverConfiguration) throws(ReplicatorError) {
        do {
            self.archive = try WALArchive(folder: configuration.walFolder)
        } catch {
            throw ReplicatorError(error)
        }
        self.spool = configuration.prefetchDirectory
        self.prefetch = configuration.prefetch
        if self.prefetch > 0 {
            try? FileManager.default.createDirectory(
                atPath: self.spool, withIntermediateDirectories: true)
        }
    }

    /// Writes `name` to `destination` (temporary file, then rename); throws `missing` when
    /// the archive does not hold it and `corrupt` when it no longer matches its checksum.
    /// Returns the following segments worth staging.
    public func fetch(
        _ name: WALFileName, to destination: String
    ) throws(ReplicatorError)
        -> [WALFileName]
    {
        self.removeStale(before: name)
        let staged = self.spool + "/" + name.name
        let size: Int
        if self.prefetch > 0, let moved = Self.move(staged, to: destination) {
            size = moved
        } else {
            let contents: [UInt8]
            do {
                guard let found = try self.archive.fetch(name) else {
                    throw ReplicatorError(.missing, "\(name) is not in the archive (yet)")
                }
                contents = found
            } catch let error as ArchiveError {
                throw ReplicatorError(error)
            } catch let error as ReplicatorError {
                throw error
            } catch {
                throw ReplicatorError(.storage, "\(error)")
            }
            try FileBytes.replace(destination, with: contents, durable: false)
            size = contents.count
        }
        return self.toStage(after: name, segmentSize: size)
    }

    /// The next `prefetch` segments that the archive holds and the spool does not.
    func toStage(after name: WALFileName, segmentSize: Int) -> [WALFileName] {
        guard self.prefetch > 0, name.kind == .segment else { return [] }
        var names: [WALFileName] = []
        var current = name
        for _ in 0..<self.prefetch {
            guard let next = current.nextSegment(segmentSize: segmentSize) else { break }
            current = next
            guard FileManager.default.fileExists(atPath: self.archive.folder + "/" + next.name)
            else { break }
            let staged = self.spool + "/" + next.name
            let claim = self.spool + "/." + next.name + ".claim"
            if !FileManager.default.fileExists(atPath: staged),
                !FileManager.default.fileExists(atPath: claim)
            {
                names.append(next)
            }
        }
        return names
    }

    /// Verifies and copies `names` into the spool in parallel (one thread a core).
    /// Failures are left for `fetch` to meet and report itself.
    public func stage(_ names: [WALFileName]) {
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            self.stageOne(names[index])
        }
    }

    private func stageOne(_ name: WALFileName) {
        let claim = self.spool + "/." + name.name + ".claim"
        let fd = open(claim, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        close(fd)
        defer { unlink(claim) }
        guard let contents = try? self.archive.fetch(name) else { return }
        try? FileBytes.replace(self.spool + "/" + name.name, with: contents, durable: false)
    }

    /// Removes staged segments of `name`'s timeline that come before it (the standby has
    /// passed them), anything older than `staleAfter`, and claims of stagers that died.
    func removeStale(before name: WALFileName) {
        guard self.prefetch > 0 else { return }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: self.spool)) ?? []
        let now = Date()
        for entry in entries {
            let path = self.spool + "/" + entry
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate]
                as? Date ?? now
            let age = now.timeIntervalSince(modified)
            if entry.hasPrefix(".") {
                if age > (entry.hasSuffix(".claim") ? Self.claimStaleAfter : Self.staleAfter) {
                    unlink(path)
                }
                continue
            }
            let passed =
                WALFileName(entry).map {
                    $0.kind == .segment && $0.timeline == name.timeline && $0.name < name.name
                } ?? false
            if passed || age > Self.staleAfter {
                unlink(path)
            }
        }
    }

    /// Moves a staged file to `destination` (rename, or copy when another file system);
    /// returns its size, or nil when it is not staged.
    private static func move(_ staged: String, to destination: String) -> Int? {
        var status = stat()
        guard stat(staged, &status) == 0 else { return nil }
        if rename(staged, destination) == 0 { return Int(status.st_size) }
        guard let bytes = try? FileBytes.read(staged),
            (try? FileBytes.replace(destination, with: bytes, durable: false)) != nil
        else { return nil }
        unlink(staged)
        return bytes.count
    }
}
