import Testing

@testable import SiteAgent

@Suite struct RestartBudgetTests {
    let start = ContinuousClock.now

    /// Records failures at the given offsets and returns whether each spent the budget.
    func spent(_ offsets: [Duration], budget: inout RestartBudget) -> [Bool] {
        offsets.map { budget.recordFailure(at: self.start + $0) }
    }

    @Test func threeFailuresWithinTheWindowSpendIt() {
        var budget = RestartBudget()
        let results = self.spent([.zero, .seconds(10), .seconds(20)], budget: &budget)
        #expect(results == [false, false, true])
    }

    @Test func failuresOlderThanTheWindowAreForgotten() {
        var budget = RestartBudget()
        let results = self.spent([.zero, .seconds(1), .seconds(40)], budget: &budget)
        #expect(results == [false, false, false])
        #expect(!budget.isSpent(at: self.start + .seconds(40)))
    }

    @Test func resetForgetsEverything() {
        var budget = RestartBudget(limit: 2, window: .seconds(5))
        _ = self.spent([.zero], budget: &budget)
        budget.reset()
        #expect(self.spent([.milliseconds(10)], budget: &budget) == [false])
    }
}
