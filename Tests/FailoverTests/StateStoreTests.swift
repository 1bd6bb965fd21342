import Foundation
import Testing

@testable import Failover

/// The state file: written whole, read back, and refused when it cannot be trusted.
@Suite struct StateStoreTests {
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "failover-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func missingFileIsAFreshStartAndASaveReadsBack() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = StateStore(path: folder + "/state.json")
        #expect(try store.load(nodes: [Fixtures.a, Fixtures.b]) == DurableState())

        let state = try Fixtures.healthyCluster().durable
        try store.save(state)
        #expect(try store.load(nodes: [Fixtures.a, Fixtures.b]) == state)
        #expect(!FileManager.default.fileExists(atPath: folder + "/state.json.tmp"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["state.json"])
    }

    @Test func corruptUnknownOrForeignFilesAreRefused() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/state.json"
        let store = StateStore(path: path)
        let nodes = [Fixtures.a, Fixtures.b]

        try Data("{\"term\": 3, \"prim".utf8).write(to: URL(fileURLWithPath: path))
        let corrupt = #expect(throws: FailoverError.self) { try store.load(nodes: nodes) }
        #expect(corrupt?.code == .stateFile)
        #expect(corrupt?.message.contains(path) == true)

        var future = DurableState()
        future.version = 9
        try store.save(future)
        let version = #expect(throws: FailoverError.self) { try store.load(nodes: nodes) }
        #expect(version?.message.contains("format version 9") == true)

        var foreign = DurableState()
        foreign.term = Term(4)
        foreign.primary = try NodeName("site_x")
        try store.save(foreign)
        let stranger = #expect(throws: FailoverError.self) { try store.load(nodes: nodes) }
        #expect(stranger?.message.contains("site_x") == true)

        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        let empty = #expect(throws: FailoverError.self) { try store.load(nodes: nodes) }
        #expect(empty?.message.contains("missing key") == true)
    }

    @Test func saveIntoAMissingFolderFailsWithTheCause() {
        let store = StateStore(path: "/nonexistent-folder/state.json")
        let error = #expect(throws: FailoverError.self) { try store.save(DurableState()) }
        #expect(error?.message.contains("/nonexistent-folder/state.json.tmp") == true)
    }

    @Test func prepareFolderCreatesTheMissingFolder() throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = StateStore(path: folder + "/deep/er/state.json")
        try store.prepareFolder()
        try store.save(DurableState())
        #expect(try store.load(nodes: []) == DurableState())
    }

    @Test func historyKeepsTheLastTwenty() {
        var state = DurableState()
        for index in 0..<25 {
            state.remember(
                .init(at: "t", term: Term(UInt64(index)), decision: "elect", reason: "r"))
        }
        #expect(state.decisions.count == 20)
        #expect(state.decisions.first?.term == Term(5))
    }
}
