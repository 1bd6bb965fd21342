import Accounts
import Foundation
import HTTP
import PortalAPI
import Postgres
import Reactor
import Telemetry

/// Another API node on the harness's database: its own event loops, pools and server, and
/// nothing in memory shared with the first. What one node wrote, this one finds only in
/// PostgreSQL, as after a restart or on a load balancer's retry to another node.
final class SecondNode: Sendable {
    let group: EventLoopGroup
    let pools: [PostgresPool]
    let server: HTTPServer

    init(_ harness: PortalHarness) async throws {
        let logger = Logger(label: "portal-api-second", level: .warning)
        let group = try EventLoopGroup(count: 1, name: "portal-second")
        let connection = PostgresConfiguration(
            connectionString: harness.cluster.connectionString(
                database: harness.database, user: "portal_app", password: nil),
            applicationName: "portal-api-second", connectTimeout: .seconds(10))
        var pools: [PostgresPool] = []
        for loop in group.loops {
            pools.append(
                try PostgresPool(
                    configuration: PostgresPoolConfiguration(connection: connection), on: loop,
                    logger: logger))
        }
        let chosen = pools
        let pool: @Sendable () -> PostgresPool = {
            chosen.first { $0.loop.inEventLoop } ?? chosen[0]
        }
        let api = PortalAPI(
            configuration: harness.api.configuration,
            accounts: Accounts(
                policy: PortalHarness.testPolicy(), mail: OutboxMailQueue(), logger: logger,
                pool: pool),
            pool: pool)
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

    /// A client of this node, for the harness's tenant, sending `headers` every time.
    func client(_ headers: [String: String]) -> PortalClient {
        PortalClient(port: self.server.port, host: PortalHarness.host, headers: headers)
    }

    func stop() async {
        await self.server.shutdown()
        for pool in self.pools {
            await pool.close()
        }
        self.group.shutdown()
    }
}
