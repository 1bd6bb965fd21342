import Foundation
import Security

/// The migrations on disk, in version order, checked for a strict shape: every `.sql` file
/// named `NNNN_name.sql`, versions 1, 2, 3, ... with no duplicate and no gap. Other files
/// (a README, hidden files) are ignored.
public struct MigrationSet: Sendable {
    public let migrations: [Migration]

    /// Builds a set from migrations already read, applying the same checks as `load`.
    public init(_ migrations: [Migration]) throws {
        let ordered = migrations.sorted { $0.version < $1.version }
        var expected = 1
        var previous: Migration?
        for migration in ordered {
            if let previous, previous.version == migration.version {
                throw MigrationError(
                    .duplicateVersion,
                    "\(previous.fileName) and \(migration.fileName) share version "
                        + "\(migration.version); give one of them the next free number",
                    file: migration.fileName)
            }
            guard migration.version == expected else {
                throw MigrationError(
                    .versionGap,
                    "\(migration.fileName) has version \(migration.version) but version "
                        + "\(expected) is missing; versions must run 1, 2, 3, ... without gaps",
                    file: migration.fileName)
            }
            expected += 1
            previous = migration
        }
        self.migrations = ordered
    }

    /// Reads every migration file in `directory`.
    public static func load(directory: String) throws -> MigrationSet {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError(
                .directoryUnreadable, "cannot read the migrations folder \(directory)")
        }

        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.lowercased().hasSuffix(".sql") {
            migrations.append(try Self.read(fileName, in: directory))
        }
        return try MigrationSet(migrations)
    }

    private static func read(_ fileName: String, in directory: String) throws -> Migration {
        guard let (version, name) = Migration.parseFileName(fileName) else {
            throw MigrationError(
                .malformedFileName,
                "\(fileName) is not named NNNN_name.sql (four digits, an underscore, "
                    + "then lower-case letters, digits and underscores)",
                file: fileName)
        }

        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigrationError(.unreadableFile, "cannot read \(path)", file: fileName)
        }
        let bytes = [UInt8](data)
        guard let sql = String(validating: bytes, as: UTF8.self),
            let checksum = try? SHA256.hex(bytes)
        else {
            throw MigrationError(.unreadableFile, "\(path) is not UTF-8 text", file: fileName)
        }
        return Migration(
            version: version, name: name, fileName: fileName, sql: sql, checksum: checksum)
    }
}
