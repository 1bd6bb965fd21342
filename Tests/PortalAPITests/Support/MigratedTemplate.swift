import Foundation
import Migrations
import PortalTesting
import Telemetry

/// A database of the shared cluster with every migration applied, made once per test
/// process; each harness copies it (`CREATE DATABASE ... TEMPLATE`), which is much faster
/// than migrating afresh. The per-database settings that a copy does not carry (the
/// application role's search path, the database's grants) are applied to each copy as the
/// first migration applies them.
actor MigratedTemplate {
    static let shared = MigratedTemplate()

    private var name: Task<String, any Error>?

    /// A new database, migrated, with a unique name.
    func copy(on cluster: TestCluster) async throws -> String {
        let template = try await self.template(on: cluster)
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        let database = "portal_\(suffix.lowercased())"
        try await cluster.psql(
            """
            CREATE DATABASE \(database) TEMPLATE \(template);
            REVOKE ALL ON DATABASE \(database) FROM PUBLIC;
            GRANT CONNECT ON DATABASE \(database) TO portal_app;
            ALTER ROLE portal_app IN DATABASE \(database) SET search_path = portal, pg_catalog;
            """)
        return database
    }

    private func template(on cluster: TestCluster) async throws -> String {
        if let name = self.name { return try await name.value }
        let task = Task {
            let database = try await cluster.createDatabase()
            let set = try MigrationSet.load(directory: PortalHarness.migrations)
            let logger = Logger(label: "portal-template", level: .warning)
            _ = try await Migrator.withConnection(
                databaseURL: cluster.connectionString(database: database), logger: logger
            ) { try await $0.migrate(set) }
            return database
        }
        self.name = task
        return try await task.value
    }
}
