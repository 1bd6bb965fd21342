import Testing

@testable import SiteAgent

@Suite struct PeerLeaseRuleTests {
    let start = ContinuousClock.now

    func rule() -> PeerLeaseRule {
        var rule = PeerLeaseRule(renewInterval: .milliseconds(100), leaseLength: .seconds(2))
        rule.follow("site_a", term: 3)
        rule.heardFromCoordinator(at: self.start)
        return rule
    }

    @Test func grantsTheFollowedPrimaryOnceTheCoordinatorIsSilent() {
        var rule = self.rule()
        let decision = rule.decide(node: "site_a", term: 3, at: self.start + .milliseconds(300))
        #expect(decision.granted)
        #expect(decision.validFor == .seconds(2))
        #expect(rule.refusesPromotion(at: self.start + .milliseconds(2299)))
        #expect(!rule.refusesPromotion(at: self.start + .milliseconds(2300)))
    }

    @Test func refusesWhileTheCoordinatorStillAnswers() {
        var rule = self.rule()
        let decision = rule.decide(node: "site_a", term: 3, at: self.start + .milliseconds(299))
        #expect(!decision.granted)
        #expect(decision.reason.contains("coordinator"))
        #expect(!rule.refusesPromotion(at: self.start + .milliseconds(299)))
    }

    @Test func refusesAnotherNodeOrAnotherTerm() {
        var rule = self.rule()
        let later = self.start + .seconds(1)
        #expect(!rule.decide(node: "site_c", term: 3, at: later).granted)
        #expect(!rule.decide(node: "site_a", term: 2, at: later).granted)
        #expect(!rule.decide(node: "site_a", term: 4, at: later).granted)
        #expect(!rule.refusesPromotion(at: later))
    }

    @Test func refusesWhenFollowingNobody() {
        var rule = self.rule()
        rule.follow(nil, term: 3)
        #expect(!rule.decide(node: "site_a", term: 3, at: self.start + .seconds(1)).granted)
    }
}
