import Foundation
import Testing

@testable import Failover

/// Both configurations: the contract's examples parse; unknown keys, missing keys and
/// values out of range are refused with a message that names them.
@Suite struct ConfigurationTests {
    static let coordinator = """
        { "listen": {"host": "127.0.0.1", "port": 55410},
          "stateFile": "/state/coordinator/state.json",
          "nodes": [ {"name": "site_a", "agent": "http://127.0.0.1:55411",
                      "postgres": {"host": "127.0.0.1", "port": 55401}},
                     {"name": "site_b", "agent": "http://127.0.0.1:55412",
                      "postgres": {"host": "127.0.0.1", "port": 55402}} ],
          "leaseMilliseconds": 2000, "renewMilliseconds": 100,
          "degradeGraceMilliseconds": 5000, "strictSynchronous": false,
          "catchUpBytes": 16777216 }
        """

    static let agent = """
        { "node": "site_a", "listen": {"host": "127.0.0.1", "port": 55411},
          "coordinator": "http://127.0.0.1:55410",
          "peers": [ {"name": "site_b", "agent": "http://127.0.0.1:55412",
                      "postgres": {"host": "127.0.0.1", "port": 55402}} ],
          "postgres": {"bin": "/usr/lib/postgresql/15/bin", "data": "/state/site-a/postgres",
                       "port": 55401, "socket": "/state/site-a/socket",
                       "log": "/state/logs/postgres-a.log", "user": "postgres",
                       "replicationUser": "postgres"},
          "leaseMilliseconds": 2000, "renewMilliseconds": 100, "fenceMarginMilliseconds": 400 }
        """

    private func coordinatorError(_ text: String) -> FailoverError? {
        #expect(throws: FailoverError.self) {
            try CoordinatorConfiguration.parse(Data(text.utf8), source: "test")
        }
    }

    private func agentError(_ text: String) -> FailoverError? {
        #expect(throws: FailoverError.self) {
            try AgentConfiguration.parse(Data(text.utf8), source: "test")
        }
    }

    @Test func contractExamplesParse() throws {
        let coordinator = try CoordinatorConfiguration.parse(
            Data(Self.coordinator.utf8), source: "test")
        #expect(coordinator.nodes.map(\.name.rawValue) == ["site_a", "site_b"])
        #expect(coordinator.catchUpBytes == 16 << 20)
        #expect(coordinator.node(try NodeName("site_b"))?.postgres.port == 55402)

        let agent = try AgentConfiguration.parse(Data(Self.agent.utf8), source: "test")
        #expect(agent.node.rawValue == "site_a")
        #expect(agent.postgres.replicationUser == "postgres")
        #expect(agent.fenceMarginMilliseconds == 400)
    }

    @Test func unknownKeysAreRefusedAtEveryLevel() {
        let top = self.coordinatorError(
            Self.coordinator.replacingOccurrences(of: #""stateFile""#, with: #""statefile""#))
        #expect(top?.message.contains("statefile") == true)
        #expect(top?.code == .invalidConfiguration)

        let nested = self.coordinatorError(
            Self.coordinator.replacingOccurrences(
                of: #""port": 55402}"#, with: #""port": 55402, "sslmode": "off"}"#))
        #expect(nested?.message.contains("nodes[1].postgres.sslmode") == true)

        let agent = self.agentError(
            Self.agent.replacingOccurrences(of: #""user""#, with: #""usr""#))
        #expect(agent?.message.contains("postgres.usr") == true)
    }

    @Test func missingKeysAreNamed() {
        let lease = self.coordinatorError(
            Self.coordinator.replacingOccurrences(of: #""leaseMilliseconds": 2000,"#, with: ""))
        #expect(lease?.message.contains("missing key 'leaseMilliseconds'") == true)

        let agentURL = self.coordinatorError(
            Self.coordinator.replacingOccurrences(
                of: #""agent": "http://127.0.0.1:55412","#, with: ""))
        #expect(agentURL?.message.contains("missing key 'nodes[1].agent'") == true)

        let fence = self.agentError(
            Self.agent.replacingOccurrences(of: #", "fenceMarginMilliseconds": 400"#, with: ""))
        #expect(fence?.message.contains("fenceMarginMilliseconds") == true)
    }

    @Test func senselessValuesAreRefused() {
        let cases: [(String, String, String)] = [
            (#""site_b""#, #""site_a""#, "appears twice"),
            (#""site_b""#, #""Site-B""#, "node name"),
            (#""renewMilliseconds": 100"#, #""renewMilliseconds": 1000"#, "three times"),
            (#""port": 55410"#, #""port": 70000"#, "listen.port"),
            (#""http://127.0.0.1:55412""#, #""127.0.0.1:55412""#, "nodes[1].agent"),
            (#""catchUpBytes": 16777216"#, #""catchUpBytes": 0"#, "catchUpBytes"),
            (#""catchUpBytes": 16777216"#, #""catchUpBytes": "big""#, "catchUpBytes"),
        ]
        for (from, to, expected) in cases {
            let error = self.coordinatorError(
                Self.coordinator.replacingOccurrences(of: from, with: to))
            #expect(
                error?.message.contains(expected) == true, "\(to): \(String(describing: error))")
        }
        var object =
            (try? JSONSerialization.jsonObject(with: Data(Self.coordinator.utf8)))
            as? [String: Any] ?? [:]
        object["nodes"] = (object["nodes"] as? [Any]).map { Array($0.prefix(1)) }
        let oneNode = self.coordinatorError(
            String(
                decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(),
                as: UTF8.self))
        #expect(oneNode?.message.contains("exactly two nodes") == true)

        let margin = self.agentError(
            Self.agent.replacingOccurrences(
                of: #""fenceMarginMilliseconds": 400"#, with: #""fenceMarginMilliseconds": 1950"#))
        #expect(margin?.message.contains("fenceMarginMilliseconds") == true)
        let selfPeer = self.agentError(
            Self.agent.replacingOccurrences(of: #""name": "site_b""#, with: #""name": "site_a""#))
        #expect(selfPeer?.message.contains("own node") == true)
    }

    @Test func unreadableFileIsNamed() {
        let error = #expect(throws: FailoverError.self) {
            try CoordinatorConfiguration.load(path: "/nonexistent/coordinator.json")
        }
        #expect(error?.message.contains("/nonexistent/coordinator.json") == true)
    }
}
