import Testing

@testable import chaos_load

/// The coordinator's status as the drill check reads it.
@Suite struct CoordinatorViewTests {
    static func status(_ decisions: String, primary: String = "site_b") -> String {
        """
        {"term": 3, "primary": "\(primary)", "lease": null, "nodes": [],
         "synchronousStandbyNames": "", "strict": false, "decisions": [\(decisions)]}
        """
    }

    @Test func twoPromotionsInOneTermAreAContestedTerm() throws {
        let text = Self.status(
            """
            {"at": "t", "term": 1, "decision": "elect", "reason": "start"},
            {"at": "t", "term": 2, "decision": "failover", "reason": "lease ran out"},
            {"at": "t", "term": 2, "decision": "degrade", "reason": "site_a unreachable"},
            {"at": "t", "term": 2, "decision": "forced-failover", "reason": "operator"}
            """)
        let view = try #require(CoordinatorView(text))
        #expect(view.term == 3)
        #expect(view.contestedTerms == [2])
        #expect(view.primaryPort([101, 102]) == 102)
    }

    @Test func onePromotionPerTermIsFine() throws {
        let text = Self.status(
            """
            {"at": "t", "term": 1, "decision": "elect", "reason": "start"},
            {"at": "t", "term": 2, "decision": "switchover-started", "reason": "operator"},
            {"at": "t", "term": 2, "decision": "switchover", "reason": "replayed"}
            """, primary: "site_a")
        let view = try #require(CoordinatorView(text))
        #expect(view.contestedTerms.isEmpty)
        #expect(view.primaryPort([101, 102]) == 101)
    }

    @Test func somethingElseIsNoStatus() {
        #expect(CoordinatorView("") == nil)
        #expect(CoordinatorView("{\"term\": 1}") == nil)
    }
}
