import Accounts

/// `portalctl user add`: creates an active user with a password read from standard input,
/// for a tenant's first administrator and for demonstrations. Everyone else registers in
/// the portal and is approved there.
enum UserCommand {
    static let subcommand = Subcommand(
        name: "user",
        summary: "create an active user (first administrator, demo): `user add ...`",
        usage: """
            usage: portalctl user add --tenant SLUG --organisation ODS --name NAME
                                      --job-title TITLE --email EMAIL --role ROLE[,ROLE...]
                                      [--delegate-kind KIND] [--database-url URL] < password

              --role ROLE   \(Role.allCases.map(\.rawValue).filter { role in
                !Provisioning.rolesNeedingDetails.contains { $0.rawValue == role }
            }.joined(separator: ", "))
              The password (at least 12 characters) is the first line of standard input, so
              that it never shows in a process listing or a shell history.
            """,
        run: { arguments, environment in
            let parsed = try ParsedArguments(
                arguments,
                knownOptions: [
                    "tenant", "organisation", "name", "job-title", "email", "role",
                    "delegate-kind", "database-url",
                ])
            guard parsed.positionals == ["add"] else { throw UsageError("the only action is `add`") }
            var values: [String: String] = [:]
            for option in ["tenant", "organisation", "name", "job-title", "email", "role"] {
                guard let value = parsed.options[option] else {
                    throw UsageError("missing --\(option)")
                }
                values[option] = value
            }
            var roles: [Role] = []
            for word in (values["role"] ?? "").split(separator: ",") {
                guard let role = Role(rawValue: String(word)) else {
                    throw UsageError("unknown role '\(word)'")
                }
                roles.append(role)
            }
            let delegateKind = try parsed.options["delegate-kind"].map { text in
                guard let kind = DelegateKind(rawValue: text) else {
                    throw UsageError("unknown delegate kind '\(text)'")
                }
                return kind
            }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw UsageError("no password on standard input")
            }
            let url = try OperatorDatabase.url(parsed, environment)

            let user = Provisioning.NewUser(
                organisationODSCode: (values["organisation"] ?? "").uppercased(),
                fullName: values["name"] ?? "", jobTitle: values["job-title"] ?? "",
                email: values["email"] ?? "", roles: roles, delegateKind: delegateKind,
                password: password)
            return try await Provisioned.report("user add") {
                let id = try await OperatorDatabase.withConnection(
                    url: url, purpose: "user add", environment: environment
                ) { connection in
                    let tenant = try await Provisioning.tenant(
                        slug: values["tenant"] ?? "", on: connection)
                    return try await Provisioning.addUser(user, tenant: tenant, on: connection)
                }
                return "user \(user.email) created: \(id.uuidString.lowercased())"
            }
        }
    )
}
