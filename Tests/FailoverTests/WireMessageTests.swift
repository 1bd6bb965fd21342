import Foundation
import Testing

@testable import Failover

/// The protocol's values and messages: their validation and their JSON form, which agents,
/// the coordinator and `portalctl` must agree on.
@Suite struct WireMessageTests {
    @Test func nodeNamesAcceptOnlyLowercaseDigitsAndUnderscore() throws {
        #expect(try NodeName("site_a").rawValue == "site_a")
        #expect(try NodeName(String(repeating: "a", count: 63)).rawValue.count == 63)
        for bad in ["", "Site_a", "site-a", "site a", "å", String(repeating: "a", count: 64)] {
            #expect(throws: FailoverError.self) { try NodeName(bad) }
        }
        let error = #expect(throws: FailoverError.self) { try NodeName("Bad") }
        #expect(error?.message.contains("'Bad'") == true)
    }

    @Test func lsnParsesPrintsAndOrders() throws {
        let lsn = try LSN(parsing: "0/3000060")
        #expect(lsn.value == 0x300_0060)
        #expect(lsn.description == "0/3000060")
        #expect(try LSN(parsing: "1A/FF").value == 0x1A_0000_00FF)
        #expect(try LSN(parsing: "1A/FF").description == "1A/FF")
        #expect(try LSN(parsing: "0/10") < LSN(parsing: "1/0"))
        #expect(try LSN(parsing: "1/0").bytes(after: LSN(parsing: "0/FFFFFFFF")) == 1)
        #expect(try LSN(parsing: "0/0").bytes(after: LSN(parsing: "0/10")) == 0)
        for bad in ["", "0", "0/", "/0", "0/0/0", "G/0", "123456789/0", "0/-1", " 0/1"] {
            #expect(throws: FailoverError.self, "\(bad)") { try LSN(parsing: bad) }
        }
    }

    @Test func lsnIsAStringInJSON() throws {
        let data = StrictJSON.encode(["at": try LSN(parsing: "2/ABC")])
        #expect(
            String(decoding: data, as: UTF8.self) == #"{"at":"2\/ABC"}"#
                || String(decoding: data, as: UTF8.self) == #"{"at":"2/ABC"}"#)
        let decoded = try JSONDecoder().decode([String: LSN].self, from: Data(#"{"a":"0/5"}"#.utf8))
        #expect(decoded["a"] == LSN(5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: LSN].self, from: Data(#"{"a":"05"}"#.utf8))
        }
    }

    @Test func agentReportDecodesTheContractExample() throws {
        let text = """
            { "node": "site_a", "term": 3, "role": "primary", "postgresRunning": true,
              "timeline": 2, "lsn": {"current": "0/3000060", "receive": null, "replay": null},
              "replication": [ {"node": "site_b", "state": "streaming", "syncState": "sync",
                                "flush": "0/3000060", "replay": "0/3000060"} ],
              "synchronousStandbyNames": "site_b", "event": null }
            """
        let report = try StrictJSON.decode(
            AgentReport.self, from: Data(text.utf8), what: "heartbeat", code: .invalidMessage)
        #expect(report.node.rawValue == "site_a")
        #expect(report.term == Term(3))
        #expect(report.role == .primary)
        #expect(report.lsn.current == LSN(0x300_0060))
        #expect(report.lsn.receive == nil)
        #expect(report.replication.first?.syncState == "sync")
        #expect(report.synchronousStandbyNames == "site_b")

        let again = try JSONDecoder().decode(AgentReport.self, from: StrictJSON.encode(report))
        #expect(again == report)
    }

    @Test func agentReportErrorsNameTheField() {
        let missing = #expect(throws: FailoverError.self) {
            try StrictJSON.decode(
                AgentReport.self, from: Data(#"{"node":"site_a","role":"primary"}"#.utf8),
                what: "heartbeat", code: .invalidMessage)
        }
        #expect(missing?.message.contains("missing key 'term'") == true)

        let badRole = #expect(throws: FailoverError.self) {
            try StrictJSON.decode(
                AgentReport.self,
                from: Data(
                    #"{"node":"site_a","term":1,"role":"leader","postgresRunning":true}"#.utf8),
                what: "heartbeat", code: .invalidMessage)
        }
        #expect(badRole?.message.contains("role") == true)

        let notJSON = #expect(throws: FailoverError.self) {
            try StrictJSON.decode(
                AgentReport.self, from: Data("{node".utf8), what: "heartbeat",
                code: .invalidMessage)
        }
        #expect(notJSON?.message.contains("not valid JSON") == true)
        #expect(notJSON?.code == .invalidMessage)
    }

    @Test func everyActionRoundTripsWithItsKind() throws {
        let actions: [Action] = [
            .none, .promote(term: Term(4)),
            .follow(primary: try NodeName("site_b"), host: "127.0.0.1", port: 55402, rewind: true),
            .fence(reason: "lease ran out"), .demote(reason: "switchover"),
        ]
        for action in actions {
            let data = StrictJSON.encode(action)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(object?["kind"] as? String == action.kind)
            #expect(try JSONDecoder().decode(Action.self, from: data) == action)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Action.self, from: Data(#"{"kind":"explode"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Action.self, from: Data(#"{"kind":"promote"}"#.utf8))
        }
    }

    @Test func coordinatorReplyCarriesNullLeaseAndEmptyNames() throws {
        let reply = CoordinatorReply(
            term: Term(3), primary: try NodeName("site_a"), lease: nil, action: .none,
            synchronousStandbyNames: "")
        let data = StrictJSON.encode(reply)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["lease"] is NSNull)
        #expect(object?["synchronousStandbyNames"] as? String == "")
        #expect(try JSONDecoder().decode(CoordinatorReply.self, from: data) == reply)

        let leased = CoordinatorReply(
            term: Term(3), primary: try NodeName("site_a"),
            lease: .init(holder: try NodeName("site_a"), validForMilliseconds: 2000),
            action: .promote(term: Term(3)), synchronousStandbyNames: "site_b")
        #expect(
            try JSONDecoder().decode(CoordinatorReply.self, from: StrictJSON.encode(leased))
                == leased)
    }

    @Test func peerLeaseAndOperatorRequestsRoundTrip() throws {
        let request = PeerLeaseRequest(node: try NodeName("site_a"), term: Term(3))
        #expect(
            try JSONDecoder().decode(PeerLeaseRequest.self, from: StrictJSON.encode(request))
                == request)
        let reply = PeerLeaseReply(granted: false, validForMilliseconds: 0, reason: "not following")
        #expect(
            try JSONDecoder().decode(PeerLeaseReply.self, from: StrictJSON.encode(reply))
                == reply)
        let switchover = try JSONDecoder().decode(SwitchoverRequest.self, from: Data("{}".utf8))
        #expect(switchover.to == nil)
        let failover = try JSONDecoder().decode(
            FailoverRequest.self,
            from: Data(#"{"to":"site_b","force":true,"acceptDataLoss":true}"#.utf8))
        #expect(failover.to.rawValue == "site_b" && failover.acceptDataLoss)
    }
}
