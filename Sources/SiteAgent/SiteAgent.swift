import Foundation
import HTTP
import Reactor
import Telemetry

/// The agent beside one PostgreSQL: it runs the server as its child, reports to the
/// coordinator every renewal interval, holds the primary's lease (counted from each
/// request's send time) or fences the server before the lease can run out, and carries out
/// the coordinator's actions: promote, follow (with `pg_rewind`), fence, demote.
///
/// Its tasks share this actor: the heartbeat loop, the fence watchdog, the watcher of
/// postmaster deaths, and one action at a time (a start, a follow, a promotion), so that
/// heartbeats go on while a rewind takes seconds.
///
/// What operators should know:
/// - PostgreSQL is the agent's child with a parent-death signal: if the agent dies, its
///   server stops at once (immediate shutdown), since nothing would fence it any more.
///   Starting the agent again starts the server (crash recovery).
/// - A primary's folder starts only under the coordinator's lease, except in a new pair
///   that never heard a term (the coordinator elects only a running primary).
/// - The term and primary last heard are kept in `DATA.agent.json` beside the data folder.
/// - The agent passes `-p`, `-k` and `wal_retrieve_retry_interval=200ms` on the server's
///   command line (pg_rewind copies the other node's settings files; a standby whose
///   primary restarted reconnects within 200 ms).
public actor SiteAgent {
    /// What the agent is doing with its PostgreSQL, beyond whether it runs.
    enum Mode: Sendable, Equatable {
        /// A primary's folder, not started: waiting for the coordinator's lease.
        case awaitingLease
        /// Started, or being started, restarted, rewound: supervised normally.
        case supervising
        /// Stopped because the lease was ending unrenewed.
        case fenced
        /// Stopped: restarts failed, or the coordinator asked for a demotion.
        case stopped
    }

    let settings: AgentSettings
    let logger: Logger
    let supervisor: PostgresSupervisor
    let database: LocalDatabase
    let folder: DataFolder
    let rejoin: Rejoin
    let transport: AgentTransport
    let group: EventLoopGroup

    var mode: Mode = .supervising
    var memory: AgentMemory
    var lease: LeaseKeeper
    var peerRule: PeerLeaseRule
    var budget = RestartBudget()
    /// What happened since the last heartbeat, for the next report.
    var events: [String] = []
    /// The final WAL position of a demoted primary, reported with `stopped`.
    var finalLSN: String?
    /// The last status read from the server.
    var status: LocalStatus?
    /// True while an action (start, follow, promotion, restart) runs.
    var busy = false
    /// Slots made for the peers since the server last started as a primary.
    var slotsEnsured = false
    var tasks: [Task<Void, Never>] = []
    var server: HTTPServer?
    var stopping = false
    /// Whether the last heartbeat was answered, so a change is logged once.
    var coordinatorAnswers = true

    /// An agent for `settings`; checks the configuration and reads its memory, starts
    /// nothing.
    public init(settings: AgentSettings, logger: Logger) throws(AgentError) {
        let binaryExists = FileManager.default.isExecutableFile(
            atPath: settings.postgres.bin + "/postgres")
        let user = try ServerUser.resolve(settings.postgres.user)
        let folder = DataFolder(path: settings.postgres.data, user: user)
        try settings.validate(folderExists: folder.exists, serverExists: binaryExists)
        guard FileManager.default.fileExists(atPath: settings.postgres.socket) else {
            throw AgentError(
                .invalidConfiguration,
                "postgres.socket \(settings.postgres.socket) is not a folder that exists")
        }
        do {
            self.group = try EventLoopGroup(count: 1, name: "agent")
        } catch {
            throw AgentError(.startFailed, "cannot make the event loop: \(error)")
        }

        self.settings = settings
        self.logger = logger
        self.folder = folder
        self.supervisor = PostgresSupervisor(
            bin: settings.postgres.bin, data: settings.postgres.data, port: settings.postgres.port,
            socket: settings.postgres.socket, log: settings.postgres.log, user: user,
            superuser: settings.postgres.user)
        self.database = LocalDatabase(
            socket: settings.postgres.socket, port: settings.postgres.port,
            user: settings.postgres.user, loop: self.group.loops[0], logger: logger)
        let tools = ToolRunner(
            bin: settings.postgres.bin, user: user,
            directory: (settings.postgres.data as NSString).deletingLastPathComponent)
        self.rejoin = Rejoin(
            node: settings.node, folder: folder, tools: tools,
            replicationUser: settings.postgres.replicationUser)
        self.transport = AgentTransport(settings: settings)
        self.memory = try AgentMemory.load(data: settings.postgres.data)
        self.lease = LeaseKeeper(fenceMargin: settings.fenceMargin)
        self.peerRule = PeerLeaseRule(renewInterval: settings.renew, leaseLength: settings.lease)
    }

    /// Starts everything: the peer-lease endpoint, then PostgreSQL when the folder is a
    /// standby (a primary's waits for the coordinator's lease), then the loops. Returns once
    /// they run; `shutdown()` ends them.
    public func start() async throws(AgentError) {
        try await self.serve()
        if self.folder.isStandby {
            self.peerRule.follow(self.memory.primary, term: self.memory.term)
            try await self.supervisor.restart(timeout: .seconds(60))
            self.logger.info(
                "postgres started as a standby", [("postgres.pid", .int(Int64(await self.pid)))])
        } else if self.isBootstrapping {
            try await self.supervisor.restart(timeout: .seconds(60))
            self.logger.info(
                "postgres started as the first primary: no coordinator has decided anything yet",
                [("postgres.pid", .int(Int64(await self.pid)))])
        } else {
            self.mode = .awaitingLease
            self.logger.info(
                "primary folder: postgres starts once the coordinator grants the lease")
        }
        self.tasks = [
            Task { await self.heartbeatLoop() },
            Task { await self.watchdogLoop() },
            Task { await self.watchDeaths() },
        ]
    }

    /// Stops the loops, stops PostgreSQL with a fast shutdown and closes the endpoint.
    public func shutdown() async {
        self.stopping = true
        self.tasks.forEach { $0.cancel() }
        await self.database.close()
        await self.supervisor.stop(.fast)
        await self.server?.shutdown()
        self.group.shutdown()
        self.logger.info("postgres stopped; agent exits")
    }

    /// True before this node ever heard a term from a coordinator and ever held a lease: a
    /// new pair, whose primary must run for the coordinator to elect it (it elects only a
    /// running primary). No coordinator has promoted anyone yet, so nothing can conflict;
    /// from the first term on, a primary runs only under a lease.
    var isBootstrapping: Bool {
        self.memory.term == 0 && self.lease.expiry == nil
    }

    /// The postmaster's pid, 0 when none runs.
    var pid: Int32 {
        get async { await self.supervisor.pid ?? 0 }
    }

    /// Notes `event` for the next report and logs it for operators. Only the last 20 wait
    /// for a report, so an unreachable coordinator cannot make them grow without bound.
    func record(_ event: String, _ fields: [(String, Logger.Value)] = []) {
        self.events.append(event)
        if self.events.count > 20 {
            self.events.removeFirst(self.events.count - 20)
        }
        self.logger.info(event, fields)
    }

    /// Remembers `term` and `primary` durably when they changed.
    func remember(term: Int64, primary: String?) {
        let next = AgentMemory(term: term, primary: primary)
        guard next != self.memory else { return }
        self.memory = next
        do {
            try next.save(data: self.settings.postgres.data)
        } catch {
            self.logger.error("cannot remember the term", [("error", .string(error.message))])
        }
    }
}
