import Foundation

/// A temporary folder of migration files for one test, removed when the test is done.
struct MigrationFolder: ~Copyable {
    let path: String

    init(_ files: [String: String]) throws {
        self.path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("portal-migrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: self.path, withIntermediateDirectories: true)
        for (name, sql) in files {
            try self.write(name, sql)
        }
    }

    func write(_ name: String, _ sql: String) throws {
        try Data(sql.utf8).write(to: URL(fileURLWithPath: "\(self.path)/\(name)"))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// The repository's own `migrations/` folder.
    static var repository: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("migrations").path
    }
}
