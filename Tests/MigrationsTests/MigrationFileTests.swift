import Foundation
import Security
import Testing

@testable import Migrations

/// File naming, ordering and checksums: no database involved.
@Suite("Migration files")
struct MigrationFileTests {
    @Test(
        "well-formed names give version and name",
        arguments: [
            ("0001_roles.sql", 1, "roles"),
            ("0042_referral_audit_2.sql", 42, "referral_audit_2"),
        ])
    func wellFormedNames(fileName: String, version: Int, name: String) {
        let parsed = Migration.parseFileName(fileName)
        #expect(parsed?.version == version)
        #expect(parsed?.name == name)
    }

    @Test(
        "malformed names are not migrations",
        arguments: [
            "1_roles.sql", "00001_roles.sql", "0001roles.sql", "0001_.sql", "0001_Roles.sql",
            "0001_roles.SQL", "0001_ro-les.sql", "0000_zero.sql", "abcd_roles.sql", "0001__x.sql",
            "0001_roles.sql.bak", "0001_rölës.sql",
        ])
    func malformedNames(fileName: String) {
        #expect(Migration.parseFileName(fileName) == nil)
    }

    @Test("a malformed .sql file name refuses the whole folder, naming the file")
    func malformedFileRefused() throws {
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;", "2_b.sql": "SELECT 2;"])
        let error = #expect(throws: MigrationError.self) {
            try MigrationSet.load(directory: folder.path)
        }
        #expect(error?.code == .malformedFileName)
        #expect(error?.file == "2_b.sql")
    }

    @Test("files that are not .sql are ignored")
    func otherFilesIgnored() throws {
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;", "README.md": "notes"])
        let set = try MigrationSet.load(directory: folder.path)
        #expect(set.migrations.map(\.fileName) == ["0001_a.sql"])
    }

    @Test("duplicate versions are refused")
    func duplicatesRefused() throws {
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        let error = #expect(throws: MigrationError.self) {
            try MigrationSet.load(directory: folder.path)
        }
        #expect(error?.code == .duplicateVersion)
        #expect(error?.message.contains("0001_a.sql") == true)
        #expect(error?.message.contains("0001_b.sql") == true)
    }

    @Test("a gap in the versions is refused")
    func gapsRefused() throws {
        let folder = try MigrationFolder(["0001_a.sql": "SELECT 1;", "0003_c.sql": "SELECT 3;"])
        let error = #expect(throws: MigrationError.self) {
            try MigrationSet.load(directory: folder.path)
        }
        #expect(error?.code == .versionGap)
        #expect(error?.file == "0003_c.sql")
    }

    @Test("a missing folder is a clear error")
    func missingFolder() {
        let error = #expect(throws: MigrationError.self) {
            try MigrationSet.load(directory: "/nonexistent/migrations")
        }
        #expect(error?.code == .directoryUnreadable)
    }

    @Test("checksums are SHA-256 of the file's bytes")
    func checksums() throws {
        #expect(
            try SHA256.hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            try SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

        let folder = try MigrationFolder(["0001_a.sql": "abc"])
        let set = try MigrationSet.load(directory: folder.path)
        #expect(set.migrations.first?.checksum == (try SHA256.hex(Array("abc".utf8))))
    }

    @Test("the repository's own migrations load")
    func repositoryMigrationsLoad() throws {
        let set = try MigrationSet.load(directory: MigrationFolder.repository)
        #expect(set.migrations.first?.fileName == "0001_roles.sql")
    }
}
