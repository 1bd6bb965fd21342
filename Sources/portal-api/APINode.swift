import Accounts
import HTTP
import Notifications
import PortalAPI
import Postgres
import Reactor
import Referrals
import Telemetry

/// The pieces of one API node: the application's routes, the readiness check and the
/// HTTP server that serves them.
struct APINode {
    let server: HTTPServer
    /// The database pools, one per loop; nil when no database is configured.
    let database: DatabasePools?
    /// The report pools, one per loop, on `PORTAL_DB_REPORT_URL` (a standby preferred), so
    /// that long reads leave the primary to the referrals; nil when not configured.
    let reports: DatabasePools?
    /// Delivers the outbox, when a database and an SMTP relay are configured.
    let outboxWorker: OutboxWorker?
    /// Removes spent sign-in rows, when a database is configured.
    let retention: SignInRetention?
    /// Removes idempotency keys past their 24 hours, when a database is configured.
    let keyPurge: IdempotencyKeyPurge?

    init(
        configuration: APIConfiguration, portal: PortalConfiguration, mail: MailSettings?,
        group: EventLoopGroup, metrics: Metrics, logger: Logger
    ) throws {
        var router = Router()
        if let webRoot = configuration.webRoot {
            let files = try StaticFiles(root: webRoot)
            try router.add(.get, "/*path", files)
        }

        var readiness: ReadinessProbe = { false }
        let gauges = try PoolGauges(metrics: metrics)
        self.reports = try configuration.reportDatabaseURL.map { url in
            let connection = PostgresConfiguration(
                connectionString: url, applicationName: "portal-api reports",
                connectTimeout: .seconds(5))
            let reports = try DatabasePools(connection: connection, group: group, logger: logger)
            try reports.publishStatistics(to: gauges, named: "report-")
            return reports
        }
        if let url = configuration.databaseURL {
            let connection = PostgresConfiguration(
                connectionString: url, applicationName: "portal-api",
                connectTimeout: .seconds(5))
            let database = try DatabasePools(connection: connection, group: group, logger: logger)
            try database.publishStatistics(to: gauges, named: "")
            readiness = { await database.isWritable() }
            self.database = database

            let accounts = Accounts(
                mail: OutboxMailQueue(), logger: logger.with("component", "accounts"),
                pool: { database.pool() })
            let api = PortalAPI(
                configuration: portal, accounts: accounts, pool: { database.pool() })
            try api.mount(into: &router)

            self.retention = SignInRetention(
                pool: database.pools[0], logger: logger.with("component", "retention"))
            self.keyPurge = IdempotencyKeyPurge(
                pool: database.pools[0], logger: logger.with("component", "referrals"))
            self.outboxWorker = mail.map { mail in
                OutboxWorker(
                    pool: database.pools[0],
                    sender: SMTPSender(configuration: mail.smtp, logger: logger),
                    configuration: mail.worker, logger: logger.with("component", "outbox"))
            }
        } else {
            self.database = nil
            self.outboxWorker = nil
            self.retention = nil
            self.keyPurge = nil
        }

        self.server = try HTTPServer(
            configuration: configuration.http, group: group, responder: router,
            logger: logger.with("component", "http"), metrics: metrics, readiness: readiness)
    }
}
