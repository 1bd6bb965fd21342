import Audit
import Postgres
import Reactor
import Telemetry
import Tenancy

/// `portalctl audit verify [--database-url URL] [--tenant UUID]`.
enum AuditCommand {
    static let subcommand = Subcommand(
        name: "audit",
        summary: "check the audit trail's hash chains with `audit verify`",
        usage: """
            usage: portalctl audit verify [--database-url URL] [--tenant UUID]

              --database-url URL  libpq URL or conninfo of a role that reads every tenant
                                  (default: $PORTAL_DB_URL)
              --tenant UUID       verify only this tenant's chain (default: every tenant)

            Exits 0 when every chain holds, 1 naming the first broken row of each chain
            that does not.
            """,
        run: { arguments, environment in
            try await AuditCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let parsed = try ParsedArguments(arguments, knownOptions: ["database-url", "tenant"])
        guard parsed.positionals == ["verify"] else {
            let given = parsed.positionals.joined(separator: " ")
            throw UsageError(given.isEmpty ? "missing 'verify'" : "unexpected argument '\(given)'")
        }
        guard let url = parsed.options["database-url"] ?? environment["PORTAL_DB_URL"], !url.isEmpty
        else {
            throw UsageError("no database: pass --database-url or set PORTAL_DB_URL")
        }
        var tenant: TenantID?
        if let text = parsed.options["tenant"] {
            do {
                tenant = try TenantID(parsing: text)
            } catch {
                throw UsageError(error.message)
            }
        }

        let level = environment["PORTAL_LOG_LEVEL"].flatMap(Logger.Level.init(name:)) ?? .warning
        let logger = Logger(label: "portalctl", level: level)
        let verification = try await Self.verify(url: url, tenant: tenant, logger: logger)
        return Self.report(verification)
    }

    private static func verify(
        url: String, tenant: TenantID?, logger: Logger
    ) async throws -> AuditVerification {
        let loop = try EventLoop(name: "audit")
        defer { loop.shutdown() }

        let configuration = PostgresConfiguration(
            connectionString: url, applicationName: "portalctl audit verify")
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: logger)
        do {
            let verifier = AuditVerifier(connection: connection)
            let verification = try await verifier.verify(tenant: tenant)
            await connection.close()
            return verification
        } catch {
            await connection.close()
            throw error
        }
    }

    /// One line per chain; broken chains also on standard error. Non-zero if any broke.
    private static func report(_ verification: AuditVerification) -> Int32 {
        for chain in verification.chains {
            if let found = chain.chainBreak {
                Console.out("broken  \(found)")
                Console.error("broken  \(found)")
            } else {
                Console.out("intact  tenant \(chain.tenant): \(chain.rowsChecked) event(s)")
            }
        }
        let broken = verification.breaks.count
        Console.out(
            "\(verification.chains.count) chain(s) checked, \(broken) broken")
        return broken == 0 ? ExitStatus.success : ExitStatus.failure
    }
}
