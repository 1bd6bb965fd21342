import Accounts
import Audit
import Foundation
import HTTP
import Migrations
import Notifications
import PortalAPI
import PortalTesting
import Postgres
import Reactor
import Security
import Telemetry
import Tenancy

/// A migrated database of its own on the shared test cluster (a copy of a migrated
/// template), two tenants with an
/// administrator and a referrer each, and an API node (router, server, a pool per loop
/// connecting as portal_app) serving the portal endpoints on a loopback port.
final class PortalHarness: Sendable {
    static let host = "alliance.portal.test"
    static let otherHost = "other.portal.test"
    static let password = "correct horse battery staple"

    let cluster: TestCluster
    let database: String
    let group: EventLoopGroup
    let pools: [PostgresPool]
    let server: HTTPServer
    let api: PortalAPI
    let mail: MailBox
    let sink: MailSink
    let worker: Task<Void, Never>
    let tenant: TenantID
    let otherTenant: TenantID
    let admin: Person
    let referrer: Person
    let otherAdmin: Person

    struct Person: Sendable {
        let id: UUID
        let email: String
    }

    /// Throttle and hashing settings small enough for a fast suite.
    static func testPolicy() -> AccountsPolicy {
        var policy = AccountsPolicy()
        policy.passwordHasher = PasswordHasher(parameters: Self.fastHashing)
        policy.throttle.accountFailures = 3
        policy.throttle.addressFailures = 8
        return policy
    }

    static let fastHashing = ScryptParameters(logN: 10, blockSize: 8, parallelism: 1)

    /// Runs `body` with a fresh harness and always stops it.
    static func with(
        policy: AccountsPolicy = PortalHarness.testPolicy(),
        _ body: (PortalHarness) async throws -> Void
    ) async throws {
        let harness = try await PortalHarness(policy: policy)
        do {
            try await body(harness)
            await harness.stop()
        } catch {
            await harness.stop()
            throw error
        }
    }

    private init(policy: AccountsPolicy) async throws {
        let cluster = try await TestCluster.shared()
        let database = try await MigratedTemplate.shared.copy(on: cluster)
        let logger = Logger(label: "portal-api-test", level: .warning)

        self.cluster = cluster
        self.database = database
        self.tenant = TenantID(UUID())
        self.otherTenant = TenantID(UUID())
        self.admin = Person(id: UUID(), email: "admin@alliance.test")
        self.referrer = Person(id: UUID(), email: "dr.ref@nhs.test")
        self.otherAdmin = Person(id: UUID(), email: "admin@other.test")
        let hash = try PasswordHasher(parameters: Self.fastHashing).hash(Self.password)
        try await cluster.psql(
            Seed.sql(
                tenant: self.tenant, other: self.otherTenant, admin: self.admin,
                referrer: self.referrer, otherAdmin: self.otherAdmin, hash: hash),
            database: database)

        let group = try EventLoopGroup(count: 1, name: "portal-test")
        let connection = PostgresConfiguration(
            connectionString: cluster.connectionString(
                database: database, user: "portal_app", password: nil),
            applicationName: "portal-api-test", connectTimeout: .seconds(10))
        var pools: [PostgresPool] = []
        for loop in group.loops {
            var configuration = PostgresPoolConfiguration(connection: connection)
            configuration.maximumConnections = 4
            pools.append(try PostgresPool(configuration: configuration, on: loop, logger: logger))
        }
        let chosen = pools
        let pool: @Sendable () -> PostgresPool = {
            chosen.first { $0.loop.inEventLoop } ?? chosen[0]
        }

        var configuration = PortalConfiguration()
        configuration.domains = ["portal.test"]
        configuration.publicScheme = "http"
        configuration.secureCookies = false
        configuration.trustedProxies = ["127.0.0.1"]
        let accounts = Accounts(
            policy: policy, mail: OutboxMailQueue(), logger: logger, pool: pool)
        let api = PortalAPI(configuration: configuration, accounts: accounts, pool: pool)
        var router = Router()
        try api.mount(into: &router)

        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            group: group, responder: router, logger: logger, metrics: Metrics(),
            readiness: { true })
        try server.start()

        self.group = group
        self.pools = pools
        self.server = server
        self.api = api
        let sink = try await MailSink()
        self.mail = MailBox(sink: sink)
        self.sink = sink
        self.worker = Self.startWorker(pool: pools[0], sinkPort: sink.port, logger: logger)
    }

    /// The outbox worker delivering to the sink over SMTP, as portal-api runs it.
    private static func startWorker(
        pool: PostgresPool, sinkPort: Int, logger: Logger
    ) -> Task<Void, Never> {
        let smtp = SMTPConfiguration(
            host: "127.0.0.1", port: sinkPort, security: .plaintext, heloName: "portal-test",
            connectTimeout: .seconds(5), replyTimeout: .seconds(5))
        let sender = SMTPSender(configuration: smtp, logger: logger)
        let from = try? EmailAddress("portal@alliance.test")
        guard let from else { return Task {} }
        let configuration = OutboxWorker.Configuration(
            sender: from, lease: .seconds(30), idleInterval: .milliseconds(25))
        let worker = OutboxWorker(
            pool: pool, sender: sender, configuration: configuration, logger: logger)
        return Task(executorPreference: pool.loop) { await worker.run() }
    }

    func stop() async {
        self.worker.cancel()
        await self.worker.value
        await self.sink.stop()
        await self.server.shutdown()
        for pool in self.pools {
            await pool.close()
        }
        self.group.shutdown()
    }

    /// A client for the tenant's portal, or another host, from a forwarded address.
    func client(host: String = PortalHarness.host, address: String = "192.0.2.1") -> PortalClient {
        PortalClient(port: self.server.port, host: host, headers: ["X-Forwarded-For": address])
    }

    /// Runs SQL as the superuser (past row-level security), to look or to move time.
    @discardableResult
    func sql(_ text: String) async throws -> String {
        try await self.cluster.psql(text, database: self.database)
    }

    /// How many e-mails the outbox holds, sent or not.
    func queuedMail() async throws -> Int {
        Int(try await self.sql("SELECT count(*) FROM portal.outbox;")) ?? -1
    }

    /// The actions in the tenant's audit trail, in order.
    func auditActions(tenant: TenantID? = nil) async throws -> [String] {
        let id = (tenant ?? self.tenant).description
        let text = try await self.sql(
            "SELECT action FROM portal.audit_events WHERE tenant_id = '\(id)' ORDER BY seq;")
        return text.isEmpty ? [] : text.components(separatedBy: "\n")
    }

    static var migrations: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations").path
    }
}

extension PortalHarness {
    /// Verifies every tenant's audit hash chain as the superuser, with the Audit verifier.
    func verifyAuditChain() async throws -> Bool {
        let configuration = PostgresConfiguration(
            connectionString: self.cluster.connectionString(database: self.database),
            connectTimeout: .seconds(10))
        let logger = Logger(label: "audit-verify", level: .warning)
        let connection = try await PostgresConnection.connect(
            configuration, on: self.group.loops[0], logger: logger)
        let verification = try await AuditVerifier(connection: connection).verify()
        await connection.close()
        return verification.isIntact && !verification.chains.isEmpty
    }
}
