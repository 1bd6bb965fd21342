import Foundation
import Synchronization
import Telemetry

/// The coordinator's state machine behind a lock, with its state file and its log. Every
/// change goes through ``apply(_:)``: the rule runs on a copy, a changed durable part is
/// saved before the copy replaces the state, and only then can a reply act on it. When
/// the save fails nothing changes and the caller gets the error.
public final class Coordinator: Sendable {
    public let configuration: CoordinatorConfiguration
    private let store: StateStore
    private let logger: Logger
    private let state: Mutex<ClusterState>
    /// The last failure to save, so a lasting one is logged once rather than every tick.
    private let lastSaveFailure = Mutex<String?>(nil)
    /// The last refused heartbeat's error, logged once while it repeats.
    private let lastRefusal = Mutex<String?>(nil)

    /// Loads the state file (refusing a corrupt or foreign one) and starts the clock of
    /// the startup wait at `now`.
    public init(
        configuration: CoordinatorConfiguration, logger: Logger, now: MonotonicInstant
    ) throws(FailoverError) {
        self.configuration = configuration
        self.store = StateStore(path: configuration.stateFile)
        self.logger = logger
        let settings = ClusterSettings(configuration)
        let durable = try self.store.load(nodes: settings.names)
        try self.store.prepareFolder()
        self.state = Mutex(ClusterState(settings: settings, durable: durable, startedAt: now))
        logger.info(
            "state loaded",
            [
                ("failover.term", .int(Int64(durable.term.value))),
                ("failover.primary", .string(durable.primary?.rawValue ?? "")),
                (
                    "failover.promotable",
                    .string(durable.promotable.map(\.rawValue).joined(separator: ","))
                ),
                ("failover.state_file", .string(configuration.stateFile)),
            ])
    }

    /// A copy of the current state, for status and metrics.
    public var snapshot: ClusterState { self.state.withLock { $0 } }

    /// Answers a heartbeat received at `now`.
    public func heartbeat(
        _ report: AgentReport, at now: MonotonicInstant
    ) throws(FailoverError) -> CoordinatorReply {
        let utc = Self.utc()
        let reply: CoordinatorReply
        let before: AgentReport?
        do {
            (reply, before) = try self.apply { state throws(FailoverError) in
                let before = state.observations[report.node]?.report
                return (try state.heartbeat(report, at: now, utc: utc), before)
            }
        } catch {
            // An agent repeats a refused heartbeat every renewal: say it once.
            let repeated = self.lastRefusal.withLock { last in
                defer { last = error.description }
                return last == error.description
            }
            if !repeated {
                self.logger.warning(
                    "heartbeat refused",
                    [
                        ("failover.node", .string(report.node.rawValue)),
                        ("error", .string(error.description)),
                    ])
            }
            throw error
        }
        if before?.role != report.role || before?.term != report.term {
            self.logger.info(
                "node reported",
                [
                    ("failover.node", .string(report.node.rawValue)),
                    ("failover.role", .string(report.role.rawValue)),
                    ("failover.term", .int(Int64(report.term.value))),
                    ("failover.action", .string(reply.action.kind)),
                ])
        }
        if let event = report.event {
            self.logger.info(
                "agent event",
                [
                    ("failover.node", .string(report.node.rawValue)),
                    ("failover.event", .string(event)),
                ])
        }
        if reply.action != .none {
            self.logger.debug(
                "action sent",
                [
                    ("failover.node", .string(report.node.rawValue)),
                    ("failover.action", .string(reply.action.kind)),
                ])
        }
        return reply
    }

    /// Evaluates the rules at `now`; logs a newly blocked failover (``apply(_:)`` logs
    /// each decision once it is saved).
    public func tick(at now: MonotonicInstant) {
        let utc = Self.utc()
        do {
            let (blocked, previous) = try self.apply { state throws(FailoverError) in
                let previous = state.blockedReason
                _ = state.tick(at: now, utc: utc)
                return (state.blockedReason, previous)
            }
            if let blocked, blocked != previous {
                self.logger.info("failover blocked", [("failover.reason", .string(blocked))])
            }
            self.lastSaveFailure.withLock { $0 = nil }
        } catch {
            let repeated = self.lastSaveFailure.withLock { last in
                defer { last = error.description }
                return last == error.description
            }
            if !repeated {
                self.logger.error(
                    "cannot save the state; decision not taken",
                    [("error", .string(error.description))])
            }
        }
    }

    /// Starts a switchover; returns the term it started in.
    public func beginSwitchover(
        to target: NodeName?, at now: MonotonicInstant
    ) throws(FailoverError) -> Term {
        let utc = Self.utc()
        return try self.apply { state throws(FailoverError) in
            _ = try state.beginSwitchover(to: target, at: now, utc: utc)
            return state.durable.term
        }
    }

    /// Records a forced failover; returns the term it started in.
    public func forceFailover(
        _ request: FailoverRequest, at now: MonotonicInstant
    ) throws(FailoverError) -> Term {
        let utc = Self.utc()
        return try self.apply { state throws(FailoverError) in
            _ = try state.forceFailover(request, at: now, utc: utc)
            return state.durable.term
        }
    }

    /// Where a change of primary begun in `term` stands.
    public enum ChangeProgress: Sendable, Equatable {
        case pending
        case done(PrimaryChange)
        /// The change was given up; the reason is the latest decision's.
        case abandoned(String)
    }

    /// The progress of the change of primary begun in `term`.
    public func progress(since term: Term) -> ChangeProgress {
        self.state.withLock { state in
            if let change = state.change(since: term) { return .done(change) }
            if state.switchover == nil && state.forcedTarget == nil && state.durable.term == term {
                let reason = state.durable.decisions.last?.reason ?? "given up"
                return .abandoned(reason)
            }
            return .pending
        }
    }

    private func apply<Result: Sendable>(
        _ body: (inout ClusterState) throws(FailoverError) -> Result
    ) throws(FailoverError) -> Result {
        let (result, taken) = try self.state.withLock {
            (state: inout ClusterState) throws(FailoverError) -> (Result, [Decision.Record]) in
            var next = state
            let result = try body(&next)
            if next.durable != state.durable {
                try self.store.save(next.durable)
            }
            let count = min(next.decisionCount - state.decisionCount, next.durable.decisions.count)
            state = next
            return (result, Array(next.durable.decisions.suffix(count)))
        }
        for record in taken { self.log(record) }
        return result
    }

    /// Logs a decision, already saved, at info with its reason.
    private func log(_ record: Decision.Record) {
        self.logger.info(
            "decision",
            [
                ("failover.decision", .string(record.decision)),
                ("failover.term", .int(Int64(record.term.value))),
                ("failover.reason", .string(record.reason)),
            ])
    }

    /// The current UTC time in ISO 8601, for decision records.
    static func utc() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var parts = tm()
        var seconds = time_t(time.tv_sec)
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(time.tv_nsec) / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
            Int(parts.tm_sec), milliseconds)
    }
}
