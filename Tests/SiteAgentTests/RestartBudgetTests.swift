import Testing

@testable import SiteAgent

@Suite struct RestartBudgetTests {
    @Test func threeFailuresWithinTheWindowSpendIt() {
        var budget = RestartBudget()
        let start = ContinuousClock.now
        #expect(!budget.recordFailure(at: start))
        #expect(!budget.recordFailure(at: start + .seconds(10)))
        #expect(budget.recordFailure(at: start + .seconds(20)))
    }

    @Test func failuresOlderThanTheWindowAreForgotten() {
        var budget = RestartBudget()
        let start = ContinuousClock.now
        #expect(!budget.recordFailure(at: start))
        #expect(!budget.recordFailure(at: start + .seconds(1)))
        #expect(!budget.recordFailure(at: start + .seconds(40)))
        #expect(!budget.isSpent(at: start + .seconds(40)))
    }

    @Test func resetForgetsEverything() {
        var budget = RestartBudget(limit: 2, window: .seconds(5))
        let start = ContinuousClock.now
        _ = budget.recordFailure(at: start)
        budget.reset()
        #expect(!budget.recordFailure(at: start + .milliseconds(10)))
    }
}
