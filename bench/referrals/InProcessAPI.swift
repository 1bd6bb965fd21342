import Accounts
import HTTP
import PortalAPI
import Postgres
import Reactor
import Telemetry

/// An API node inside the benchmark's process, put together as portal-api does it: one
/// event loop per core, a pool per loop with portal-api's pool settings, connecting as
/// portal_app, and the portal's routes on a loopback port. The log level is warning, so the
/// per-request access log stays below it (as in bench/http): pgbench writes no log either.
final class InProcessAPI: Sendable {
    let group: EventLoopGroup
    let pools: [PostgresPool]
    let server: HTTPServer

    var port: Int { self.server.port }

    init(world: World, loops: Int) throws {
        let logger = Logger(label: "referrals-bench-api", level: .warning)
        let group = try EventLoopGroup(count: loops, name: "bench-api")
        let connection = PostgresConfiguration(
            connectionString: world.appConnectionString, applicationName: "portal-api",
            connectTimeout: .seconds(5))
        var pools: [PostgresPool] = []
        for loop in group.loops {
            var configuration = PostgresPoolConfiguration(connection: connection)
            configuration.minimumConnections = 1
            pools.append(try PostgresPool(configuration: configuration, on: loop, logger: logger))
        }
        let chosen = pools
        let pool: @Sendable () -> PostgresPool = {
            chosen.first { $0.loop.inEventLoop } ?? chosen[0]
        }

        var portal = PortalConfiguration()
        portal.domains = [World.domain]
        portal.publicScheme = "http"
        portal.secureCookies = false
        let accounts = Accounts(mail: OutboxMailQueue(), logger: logger, pool: pool)
        let api = PortalAPI(configuration: portal, accounts: accounts, pool: pool)
        var router = Router()
        try api.mount(into: &router)

        self.server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            group: group, responder: router, logger: logger, metrics: Metrics(),
            readiness: { true })
        try self.server.start()
        self.group = group
        self.pools = pools
    }

    /// The session cookie as the portal names it over plain HTTP.
    static func cookie(token: String) -> String {
        "portal_session=\(token)"
    }

    func stop() async {
        await self.server.shutdown()
        for pool in self.pools {
            await pool.close()
        }
        self.group.shutdown()
    }
}
