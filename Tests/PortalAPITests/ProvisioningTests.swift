import Foundation
import PortalTesting
import Testing

extension PortalAPISuites {
    /// An operator sets up a tenant with `portalctl`, and its first user signs in over HTTP.
    @Suite("Provisioning with portalctl")
    struct ProvisioningTests {
        @Test("tenant, organisation and user made by portalctl; the user signs in")
        func provisionAndSignIn() async throws {
            try await PortalHarness.with { harness in
                let url = harness.cluster.connectionString(database: harness.database)
                let tenant = try await Self.portalctl(
                    url, ["tenant", "add", "northern", "--name", "Northern Imaging"])
                #expect(tenant.succeeded, "\(tenant.standardError)")
                let organisation = try await Self.portalctl(
                    url,
                    [
                        "organisation", "add", "--tenant", "northern", "--kind",
                        "referring_organisation", "--ods", "RR8", "--name", "Leeds Teaching",
                        "--address", "Great George Street", "--town", "Leeds", "--postcode",
                        "ls1 3ex",
                    ])
                #expect(organisation.succeeded, "\(organisation.standardError)")
                let user = try await Self.portalctl(
                    url, Self.userArguments(email: "admin@northern.test"),
                    password: PortalHarness.password)
                #expect(user.succeeded, "\(user.standardError)")

                let session = try await harness.signIn(
                    "admin@northern.test", host: "northern.portal.test")
                let me = try await session.authenticated(csrf: false).get("/api/v1/me")
                let roles = (me.json["user"] as? [String: Any])?["roles"] as? [String]
                #expect(Set(roles ?? []) == ["tenant_administrator", "referrer"])

                let actions = try await harness.sql(
                    """
                    SELECT string_agg(a.action, ' ' ORDER BY a.seq) FROM portal.audit_events a
                    JOIN portal.tenants t ON t.id = a.tenant_id WHERE t.slug = 'northern'
                      AND a.details->>'by' = 'operator';
                    """)
                #expect(actions == "tenant.created organisation.created user.created")
            }
        }

        @Test("refusals say why and change nothing")
        func refusals() async throws {
            try await PortalHarness.with { harness in
                let url = harness.cluster.connectionString(database: harness.database)
                let again = try await Self.portalctl(
                    url, ["tenant", "add", "alliance", "--name", "Again"])
                #expect(again.status == 1)
                #expect(again.standardError.contains("already exists"))
                let badSlug = try await Self.portalctl(url, ["tenant", "add", "Bad_Slug", "--name", "X"])
                #expect(badSlug.status == 1 && badSlug.standardError.contains("--slug"))
                let noName = try await Self.portalctl(url, ["tenant", "add", "nameless"])
                #expect(noName.status == 2 && noName.standardError.contains("missing --name"))

                let short = try await Self.portalctl(
                    url, Self.userArguments(email: "short@alliance.test", tenant: "alliance"),
                    password: "too short")
                #expect(short.status == 1)
                #expect(short.standardError.contains("--password"), "\(short.standardError)")
                let radiologist = try await Self.portalctl(
                    url,
                    Self.userArguments(
                        email: "rad@alliance.test", tenant: "alliance", roles: "radiologist"),
                    password: PortalHarness.password)
                #expect(radiologist.status == 1)
                #expect(radiologist.standardError.contains("needs details"))
                let unknownOrganisation = try await Self.portalctl(
                    url,
                    Self.userArguments(
                        email: "nobody@alliance.test", tenant: "alliance", organisation: "ZZ9"),
                    password: PortalHarness.password)
                #expect(unknownOrganisation.status == 1)

                let made = try await harness.sql(
                    """
                    SELECT count(*) FROM portal.users
                    WHERE email IN ('short@alliance.test', 'rad@alliance.test',
                                    'nobody@alliance.test');
                    """)
                #expect(made == "0")
                #expect(try await harness.sql("SELECT count(*) FROM portal.tenants;") == "2")
            }
        }

        static func userArguments(
            email: String, tenant: String = "northern", organisation: String = "RR8",
            roles: String = "tenant_administrator,referrer"
        ) -> [String] {
            [
                "user", "add", "--tenant", tenant, "--organisation", organisation, "--name",
                "Dr Ann Lee", "--job-title", "Consultant Radiologist", "--email", email,
                "--role", roles,
            ]
        }

        /// Runs the portalctl built beside the test bundle, the password (if any) on its
        /// standard input as an operator would pipe it.
        static func portalctl(
            _ url: String, _ arguments: [String], password: String? = nil
        ) async throws -> CommandOutput {
            let portalctl = BuiltProduct.path("portalctl")
            return try await ProcessRunner.run(
                "/bin/sh", ["-c", "printf '%s\\n' \"$PASSWORD\" | \"$@\"", "sh", portalctl] + arguments,
                environment: ["PORTAL_DB_URL": url, "PASSWORD": password ?? ""],
                timeout: .seconds(60))
        }
    }
}
