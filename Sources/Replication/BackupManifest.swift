import Foundation

/// What `backup.json` records of one base backup in the archive: where its WAL starts and
/// stops, when it ran, and the SHA-256 of every file, so a restore can pick a backup by time
/// and prove each file is the one that was written.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// One file of the backup, by its path inside the data directory.
    public struct File: Codable, Sendable, Equatable {
        public let path: String
        public let size: Int
        public let sha256: String
    }

    /// The manifest's file name inside a backup's folder.
    public static let fileName = "backup.json"
    /// The folder inside a backup's folder holding the data directory's files.
    public static let dataFolder = "data"

    public let label: String
    /// The first WAL segment recovery from this backup needs (`backup_label`'s).
    public let startWALFile: String
    public let startLSN: String
    /// Recovery must replay at least to here to be consistent.
    public let stopLSN: String
    public let timeline: UInt32
    public let startTime: Date
    /// When the backup had finished; a point-in-time restore needs a target after it.
    public let stopTime: Date
    /// The PostgreSQL major version that wrote it (`PG_VERSION`).
    public let serverVersion: String
    public let files: [File]

    /// The manifest in `folder`, checked for the fields a restore relies on.
    public static func load(folder: String) throws(BackupError) -> BackupManifest {
        let path = folder + "/" + Self.fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupError(.storage, "cannot read \(path)")
        }
        let manifest: BackupManifest
        do {
            manifest = try Self.decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError(.corrupt, "\(path) is not a backup manifest: \(error)")
        }
        guard let start = WALFileName(manifest.startWALFile), start.kind == .segment else {
            throw BackupError(
                .corrupt, "\(path) names '\(manifest.startWALFile)' as its start WAL file")
        }
        return manifest
    }

    /// The JSON text, keys sorted, times in UTC with milliseconds.
    func encoded() throws(BackupError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        do {
            return try encoder.encode(self)
        } catch {
            throw BackupError(.storage, "cannot encode the manifest of \(self.label): \(error)")
        }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        return decoder
    }
}
