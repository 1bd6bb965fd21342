import Failover
import Foundation
import HTTP

extension SiteAgent {
    /// Serves `POST /v1/peer-lease` on the configured address, for the primary's agent when
    /// the coordinator is unreachable.
    func serve() async throws(AgentError) {
        var router = Router()
        do {
            try router.add(.post, "/v1/peer-lease") { [weak self] request in
                guard let self else { return HTTPResponse(status: .serviceUnavailable) }
                return await self.answerPeerLease(request)
            }
            let configuration = HTTPServerConfiguration(
                host: self.settings.listenHost, port: self.settings.listenPort, compression: nil,
                shutdownGrace: .milliseconds(200), accessLogLevel: .debug)
            let server = try HTTPServer(
                configuration: configuration, group: self.group, responder: router,
                logger: self.logger)
            try server.start()
            self.server = server
        } catch {
            let address = "\(self.settings.listenHost):\(self.settings.listenPort)"
            throw AgentError(.startFailed, "cannot listen on \(address): \(error)")
        }
    }

    /// Decodes a peer-lease request, decides it, answers with a `PeerLeaseReply`.
    func answerPeerLease(_ request: HTTPRequest) async -> HTTPResponse {
        let asked: PeerLeaseRequest
        do {
            asked = try request.decodeStrictJSON(PeerLeaseRequest.self)
        } catch {
            return error.response()
        }
        let decision = await self.decidePeerLease(
            node: asked.node.rawValue, term: Int64(asked.term.value))
        let reply = PeerLeaseReply(
            granted: decision.granted,
            validForMilliseconds: Int(Self.seconds(of: decision.validFor) * 1000),
            reason: decision.reason)
        let body = (try? JSONEncoder().encode(reply)).map { [UInt8]($0) } ?? []
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/json"], body: body)
    }
}
