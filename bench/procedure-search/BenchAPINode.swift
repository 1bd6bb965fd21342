import Accounts
import HTTP
import PortalAPI
import Postgres
import Reactor
import Telemetry

/// The portal API served in this process as portal-api serves it: an event loop group, a
/// pool per loop connecting as portal_app, the endpoint router and the HTTP server on a
/// loopback port.
struct BenchAPINode {
    let group: EventLoopGroup
    let pools: [PostgresPool]
    let server: HTTPServer

    static func start(connectionString: String) async throws -> BenchAPINode {
        let logger = Logger(label: "procedure-search-bench", level: .warning)
        let group = try EventLoopGroup(count: 2, name: "bench-api")
        let connection = PostgresConfiguration(
            connectionString: connectionString, applicationName: "procedure-search-bench")
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
        let accounts = Accounts(mail: OutboxMailQueue(), logger: logger, pool: pool)
        let api = PortalAPI(configuration: configuration, accounts: accounts, pool: pool)
        var router = Router()
        try api.mount(into: &router)
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: 0, accessLogLevel: .debug),
            group: group, responder: router, logger: logger)
        try server.start()
        return BenchAPINode(group: group, pools: pools, server: server)
    }

    func stop() async {
        await self.server.shutdown()
        for pool in self.pools {
            await pool.close()
        }
        self.group.shutdown()
    }
}
