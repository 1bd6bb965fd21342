import Testing

@testable import Migrations

/// Comparing the recorded history with the files: pure logic.
@Suite("Migration plan")
struct MigrationPlanTests {
    let first = Migration(version: 1, name: "a", fileName: "0001_a.sql", sql: "", checksum: "11")
    let second = Migration(version: 2, name: "b", fileName: "0002_b.sql", sql: "", checksum: "22")

    func record(_ migration: Migration, checksum: String? = nil) -> AppliedMigration {
        AppliedMigration(
            version: migration.version, name: migration.name,
            checksum: checksum ?? migration.checksum, appliedAt: "2026-01-01T00:00:00Z",
            appliedBy: "deployer")
    }

    @Test("unapplied files are pending, in order")
    func pending() throws {
        let plan = MigrationPlan(
            disk: try MigrationSet([self.second, self.first]), applied: [self.record(self.first)])
        #expect(plan.pending == [self.second])
        #expect(plan.problems.isEmpty)
    }

    @Test("a changed applied file is a problem naming it and both checksums")
    func changed() throws {
        let plan = MigrationPlan(
            disk: try MigrationSet([self.first]),
            applied: [self.record(self.first, checksum: "99")])
        let problem = try #require(plan.problems.first)
        #expect(problem.code == .checksumMismatch)
        #expect(problem.message.contains("0001_a.sql"))
        #expect(problem.message.contains("99") && problem.message.contains("11"))
        #expect(throws: MigrationError.self) { try plan.requireConsistent() }
    }

    @Test("an applied version with no file is a problem")
    func missing() throws {
        let plan = MigrationPlan(
            disk: try MigrationSet([self.first]),
            applied: [self.record(self.first), self.record(self.second)])
        #expect(plan.problems.map(\.code) == [.missingFile])
        #expect(plan.problems.first?.message.contains("0002_b.sql") == true)
    }

    @Test("a renamed applied file is a problem")
    func renamed() throws {
        let renamed = Migration(
            version: 1, name: "z", fileName: "0001_z.sql", sql: "", checksum: "11")
        let plan = MigrationPlan(
            disk: try MigrationSet([renamed]), applied: [self.record(self.first)])
        #expect(plan.problems.map(\.code) == [.missingFile])
    }
}
