import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Builds a backup's manifest from what `pg_basebackup` left in the data folder
/// (`backup_label`, `backup_manifest`, `PG_VERSION`) and the SHA-256 of every file.
enum BackupRecord {
    static func describe(
        label: String, data: String, startTime: Date, stopTime: Date
    ) throws(BackupError) -> BackupManifest {
        let backupLabel = try Self.text(data + "/backup_label")
        let fields = Self.labelFields(backupLabel)

        // START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
        let location = fields["START WAL LOCATION"] ?? ""
        let parts = location.split(separator: " ")
        guard parts.count == 3, parts[1] == "(file", parts[2].hasSuffix(")"),
            let file = WALFileName(String(parts[2].dropLast())), file.kind == .segment,
            let timeline = UInt32(fields["START TIMELINE"] ?? "")
        else {
            throw BackupError(.corrupt, "\(data)/backup_label has no start WAL location")
        }

        return BackupManifest(
            label: label, startWALFile: file.name, startLSN: String(parts[0]),
            stopLSN: try Self.stopLSN(data + "/backup_manifest"), timeline: timeline,
            startTime: startTime, stopTime: stopTime,
            serverVersion: try Self.text(data + "/PG_VERSION")
                .trimmingCharacters(in: .whitespacesAndNewlines),
            files: try Self.files(in: data))
    }

    /// Writes `backup.json` into `folder` and flushes it.
    static func store(_ manifest: BackupManifest, into folder: String) throws(BackupError) {
        let path = folder + "/" + BackupManifest.fileName
        let bytes = [UInt8](try manifest.encoded())
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileDigest.failure("create", path) }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw FileDigest.failure("write", path)
        }
    }

    /// Every regular file under `data`, by relative path, with size and SHA-256.
    static func files(in data: String) throws(BackupError) -> [BackupManifest.File] {
        guard let walker = FileManager.default.enumerator(atPath: data) else {
            throw BackupError(.storage, "cannot list \(data)")
        }
        var files: [BackupManifest.File] = []
        while let relative = walker.nextObject() as? String {
            let path = data + "/" + relative
            var status = stat()
            guard lstat(path, &status) == 0 else { throw FileDigest.failure("inspect", path) }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                let digest = try FileDigest.sha256(of: path)
                files.append(.init(path: relative, size: digest.size, sha256: digest.hex))
            case S_IFDIR:
                continue
            default:
                throw BackupError(
                    .invalidArgument,
                    "\(relative) in the backup is not a plain file (a tablespace link?); "
                        + "backups of clusters with tablespaces are not supported")
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The `KEY: value` lines of a `backup_label`.
    private static func labelFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The end of the last WAL range in `backup_manifest`: where the backup became
    /// consistent.
    private static func stopLSN(_ path: String) throws(BackupError) -> String {
        struct Manifest: Decodable {
            struct Range: Decodable {
                let endLSN: String
                enum CodingKeys: String, CodingKey { case endLSN = "End-LSN" }
            }
            let ranges: [Range]
            enum CodingKeys: String, CodingKey { case ranges = "WAL-Ranges" }
        }
        guard let data = FileManager.default.contents(atPath: path),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data),
            let last = manifest.ranges.last
        else {
            throw BackupError(.corrupt, "\(path) has no WAL range")
        }
        return last.endLSN
    }

    private static func text(_ path: String) throws(BackupError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupError(.storage, "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
