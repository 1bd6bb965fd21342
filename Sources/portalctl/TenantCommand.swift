import Accounts

/// `portalctl tenant add SLUG --name NAME`: creates an imaging provider's tenant, whose
/// portal then answers on the host name starting with SLUG.
enum TenantCommand {
    static let subcommand = Subcommand(
        name: "tenant",
        summary: "create a tenant (an imaging provider): `tenant add SLUG --name NAME`",
        usage: """
            usage: portalctl tenant add SLUG --name NAME [--database-url URL]

              SLUG                the first label of the portal's host name (lower case)
              --name NAME         the provider's name as the portals show it
              --database-url URL  an operator role: a superuser or a member of portal_owner
                                  (default: $PORTAL_DB_URL)
            """,
        run: { arguments, environment in
            let parsed = try ParsedArguments(arguments, knownOptions: ["name", "database-url"])
            guard parsed.positionals.first == "add" else {
                throw UsageError("the only action is `add`")
            }
            guard parsed.positionals.count == 2 else { throw UsageError("give one SLUG") }
            guard let name = parsed.options["name"] else { throw UsageError("missing --name") }
            let url = try OperatorDatabase.url(parsed, environment)

            let slug = parsed.positionals[1]
            return try await Provisioned.report("tenant add") {
                let tenant = try await OperatorDatabase.withConnection(
                    url: url, purpose: "tenant add", environment: environment
                ) { connection in
                    try await Provisioning.addTenant(slug: slug, name: name, on: connection)
                }
                return "tenant \(slug) created: \(tenant)"
            }
        }
    )
}

/// Prints a provisioning step's outcome, or its refusal with the fields at fault.
enum Provisioned {
    static func report(_ command: String, _ step: () async throws -> String) async throws -> Int32 {
        do {
            Console.out(try await step())
            return ExitStatus.success
        } catch let error as AccountsError {
            Console.error("portalctl \(command): \(error.message); nothing was changed")
            for field in error.fields {
                Console.error("  --\(field.pointer): \(field.message)")
            }
            return ExitStatus.failure
        }
    }
}
