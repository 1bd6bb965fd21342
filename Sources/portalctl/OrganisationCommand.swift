import Accounts

/// `portalctl organisation add`: registers an organisation (a GP practice, a referring
/// trust, a commissioner, one of the provider's scanning sites) with a tenant.
enum OrganisationCommand {
    static let kinds = ["referring_organisation", "gp_practice", "commissioner", "scanning_site"]

    static let subcommand = Subcommand(
        name: "organisation",
        summary: "register an organisation with a tenant: `organisation add ...`",
        usage: """
            usage: portalctl organisation add --tenant SLUG --kind KIND --ods CODE --name NAME
                                              --address LINE --town TOWN --postcode POSTCODE
                                              [--database-url URL]

              --kind KIND    \(Self.kinds.joined(separator: ", "))
              --ods CODE     the NHS ODS code (A81001 for a practice, RJ1 or RJ121 otherwise)
              --address LINE the first address line (further lines: separate with |)
            """,
        run: { arguments, environment in
            let parsed = try ParsedArguments(
                arguments,
                knownOptions: [
                    "tenant", "kind", "ods", "name", "address", "town", "postcode", "database-url",
                ])
            guard parsed.positionals == ["add"] else { throw UsageError("the only action is `add`") }
            var values: [String: String] = [:]
            for option in ["tenant", "kind", "ods", "name", "address", "town", "postcode"] {
                guard let value = parsed.options[option] else {
                    throw UsageError("missing --\(option)")
                }
                values[option] = value
            }
            guard Self.kinds.contains(values["kind"] ?? "") else {
                throw UsageError("--kind must be one of \(Self.kinds.joined(separator: ", "))")
            }
            let url = try OperatorDatabase.url(parsed, environment)

            return try await Provisioned.report("organisation add") {
                let id = try await OperatorDatabase.withConnection(
                    url: url, purpose: "organisation add", environment: environment
                ) { connection in
                    let tenant = try await Provisioning.tenant(
                        slug: values["tenant"] ?? "", on: connection)
                    return try await Provisioning.addOrganisation(
                        kind: values["kind"] ?? "", odsCode: values["ods"] ?? "",
                        name: values["name"] ?? "",
                        addressLines: (values["address"] ?? "").split(separator: "|").map(String.init),
                        town: values["town"] ?? "", postcode: values["postcode"] ?? "",
                        tenant: tenant, on: connection)
                }
                return "organisation \(values["ods"] ?? "") created: \(id.uuidString.lowercased())"
            }
        }
    )
}
