import Postgres
import Reactor
import Referrals
import Telemetry
import Tenancy

/// `portalctl import KIND [--tenant SLUG] [--database-url URL] [OPTIONS] FILE...`: loads
/// reference data from files. Each kind of data is one entry in `kinds`.
enum ImportCommand {
    /// One kind of data `import` loads.
    struct Kind: Sendable {
        /// The word after `import`.
        let name: String
        /// What it loads, for the usage text.
        let summary: String
        /// Whether the data belongs to a tenant (`--tenant` required) or to every tenant.
        let perTenant: Bool
        /// Options of its own, beyond `--tenant` and `--database-url`, with their usage.
        var options: [(name: String, usage: String)] = []
        /// Whether it takes several files (loaded together) rather than exactly one.
        var manyFiles = false
        /// Loads the request's files over `connection`; returns a one-line account of what
        /// changed. Throws for a refused file or a database failure, having changed nothing.
        let load:
            @Sendable (_ request: Request, _ connection: PostgresConnection) async throws
                -> String
    }

    /// What a kind is asked to load.
    struct Request: Sendable {
        let files: [String]
        /// The tenant, for per-tenant kinds.
        let tenant: TenantID?
        /// The kind's own options, by name.
        let options: [String: String]
    }

    static let kinds: [Kind] = [
        Kind(
            name: "procedures",
            summary: "a tenant's procedure catalogue (CSV; procedures it no longer lists are "
                + "withdrawn)",
            perTenant: true,
            load: { request, connection in
                guard let tenant = request.tenant else {
                    throw UsageError("procedures belong to a tenant")
                }
                let catalogue = try ProcedureCatalogueFile.load(path: request.files[0])
                let summary = try await ProcedureImporter.load(
                    catalogue, tenant: tenant, connection: connection)
                return "procedures: \(summary)"
            }),
        PostcodesImport.kind,
        SitesImport.kind,
    ]

    static let subcommand = Subcommand(
        name: "import",
        summary: "load reference data from a file, e.g. `import procedures`",
        usage: """
            usage: portalctl import KIND [--tenant SLUG] [--database-url URL] [OPTIONS] FILE...

            \(Self.kinds.map { "  \($0.name)  \($0.summary)" }.joined(separator: "\n"))

              --tenant SLUG       the tenant whose data it is (for per-tenant kinds)
              --database-url URL  libpq URL or conninfo of an operator role: a superuser or a
                                  member of portal_owner (default: $PORTAL_DB_URL)
            \(Self.kinds.flatMap(\.options).map { "  \($0.usage)" }.joined(separator: "\n"))

            Everything is loaded in one transaction: a refused file changes nothing, and
            its problems are listed with their line numbers.
            """,
        run: { arguments, environment in
            try await ImportCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let ownOptions = Set(Self.kinds.flatMap(\.options).map(\.name))
        let parsed = try ParsedArguments(
            arguments, knownOptions: ownOptions.union(["database-url", "tenant"]))
        guard let name = parsed.positionals.first else {
            throw UsageError("missing the kind of data to import")
        }
        guard let kind = Self.kinds.first(where: { $0.name == name }) else {
            throw UsageError("unknown kind '\(name)'")
        }
        let files = Array(parsed.positionals.dropFirst())
        guard !files.isEmpty else { throw UsageError("missing FILE") }
        guard kind.manyFiles || files.count == 1 else { throw UsageError("more than one FILE") }
        let given = Set(parsed.options.keys).subtracting(["database-url", "tenant"])
        if let stray = given.subtracting(kind.options.map(\.name)).sorted().first {
            throw UsageError("--\(stray) is not an option of import \(kind.name)")
        }
        let slug = parsed.options["tenant"]
        if kind.perTenant && slug == nil {
            throw UsageError("\(kind.name) belong to a tenant: pass --tenant SLUG")
        }
        if !kind.perTenant && slug != nil {
            throw UsageError("\(kind.name) belong to no tenant: leave out --tenant")
        }
        guard let url = parsed.options["database-url"] ?? environment["PORTAL_DB_URL"], !url.isEmpty
        else {
            throw UsageError("no database: pass --database-url or set PORTAL_DB_URL")
        }

        let level = environment["PORTAL_LOG_LEVEL"].flatMap(Logger.Level.init(name:)) ?? .warning
        let logger = Logger(label: "portalctl", level: level)
        do {
            let report = try await Self.load(
                kind, files, options: parsed.options, slug: slug, url: url, logger: logger)
            Console.out(report)
            return ExitStatus.success
        } catch let error as PostcodeImportError {
            Console.error("portalctl import \(kind.name): \(error); nothing was changed")
            return ExitStatus.failure
        } catch let error as SiteImportError {
            Console.error("portalctl import \(kind.name): \(error)")
            return ExitStatus.failure
        } catch let error as ProcedureCatalogueError {
            Console.error("portalctl import \(kind.name): \(error.message); nothing was changed")
            for issue in error.issues {
                Console.error("  \(issue)")
            }
            if let underlying = error.underlying {
                Console.error("  \(underlying)")
            }
            return ExitStatus.failure
        }
    }

    private static func load(
        _ kind: Kind, _ files: [String], options: [String: String], slug: String?, url: String,
        logger: Logger
    ) async throws -> String {
        let loop = try EventLoop(name: "import")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: url, applicationName: "portalctl import \(kind.name)")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: logger)
        do {
            var tenant: TenantID?
            if let slug {
                tenant = try await connection.tenant(forSlug: slug)
            }
            let request = Request(files: files, tenant: tenant, options: options)
            let report = try await kind.load(request, connection)
            await connection.close()
            return report
        } catch {
            await connection.close()
            throw error
        }
    }
}
