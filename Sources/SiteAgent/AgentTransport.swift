import Dispatch
import Failover

/// A peer's answer to a peer-lease request: the grant's length, nil when refused.
struct PeerGrant: Sendable {
    let validFor: Duration?
    let reason: String
}

/// The agent's requests to the coordinator and to its peers, in the contract's messages,
/// through `FailoverHTTPClient`. That client blocks its thread, so each request runs on a
/// Dispatch thread and never holds one of the few threads Swift's tasks share.
struct AgentTransport: Sendable {
    let settings: AgentSettings

    /// Posts `facts` as the heartbeat and returns what the reply tells this agent.
    func heartbeat(
        _ facts: AgentFacts, deadline: Duration
    ) async throws(AgentError) -> Instruction {
        let report = try AgentMessages.report(facts)
        let coordinator = self.settings.coordinator
        let reply = try await Self.offload { () throws(AgentError) -> CoordinatorReply in
            do {
                return try FailoverHTTPClient(url: coordinator).post(
                    "/v1/heartbeat", report, as: CoordinatorReply.self, timeout: deadline)
            } catch {
                throw AgentError(.timedOut, "heartbeat to \(coordinator): \(error)")
            }
        }
        return AgentMessages.instruction(reply, node: self.settings.node)
    }

    /// Asks `peer`'s agent for a peer lease for `node` in `term`.
    func peerLease(
        from peer: AgentSettings.Peer, node: String, term: Int64, deadline: Duration
    ) async throws(AgentError) -> PeerGrant {
        let request = try PeerLeaseRequest(
            node: AgentMessages.name(node), term: Term(UInt64(max(0, term))))
        let reply = try await Self.offload { () throws(AgentError) -> PeerLeaseReply in
            do {
                return try FailoverHTTPClient(url: peer.agent).post(
                    "/v1/peer-lease", request, as: PeerLeaseReply.self, timeout: deadline)
            } catch {
                throw AgentError(.timedOut, "peer lease from \(peer.agent): \(error)")
            }
        }
        let validFor = reply.granted ? Duration.milliseconds(reply.validForMilliseconds) : nil
        return PeerGrant(validFor: validFor, reason: reply.reason)
    }

    /// Runs blocking `work` on a Dispatch thread and waits for it without blocking.
    static func offload<Value: Sendable>(
        _ work: @escaping @Sendable () throws(AgentError) -> Value
    ) async throws(AgentError) -> Value {
        let result: Result<Value, AgentError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(AgentError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
