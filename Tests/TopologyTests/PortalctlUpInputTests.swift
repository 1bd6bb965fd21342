import Foundation
import PortalTesting
import Testing
import Topology

/// Bad input to `portalctl up`: a clear error, and nothing started or recorded.
@Suite("portalctl up refuses bad input")
struct PortalctlUpInputTests {
    @Test("an unknown option is a usage error")
    func unknownOption() async throws {
        let harness = try TopologyHarness()
        let output = try await harness.portalctl("up", "--state", harness.state, "--sites", "3")
        #expect(output.status == 2)
        #expect(output.standardError.contains("unknown option --sites"))
        #expect(!FileManager.default.fileExists(atPath: harness.state))
    }

    @Test("a state folder that is a file is refused")
    func stateIsAFile() async throws {
        let harness = try TopologyHarness()
        #expect(FileManager.default.createFile(atPath: harness.state, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: harness.state) }

        let output = try await harness.portalctl("up", "--state", harness.state)
        #expect(output.status == 1)
        #expect(output.standardError.contains("exists and is not a folder"))
        #expect(try String(contentsOfFile: harness.state, encoding: .utf8) == "x")
    }

    @Test("a port already taken stops up before anything starts")
    func portTaken() async throws {
        let harness = try TopologyHarness()
        defer { try? FileManager.default.removeItem(atPath: harness.state) }
        let blocker = try PortBlocker(port: harness.base + 4)

        let output = try await harness.portalctl("up", "--state", harness.state)
        #expect(output.status == 1)
        #expect(output.standardError.contains("port \(harness.base + 4)"))
        #expect(output.standardError.contains("api-a2"))
        #expect(!FileManager.default.fileExists(atPath: harness.state + "/pids"))
        withExtendedLifetime(blocker) {}
    }

    @Test("a base port out of range is refused")
    func basePortOutOfRange() async throws {
        let harness = try TopologyHarness()
        let output = try await ProcessRunner.run(
            BuiltProduct.path("portalctl"), ["up", "--state", harness.state],
            directory: TopologyHarness.source, environment: ["PORTAL_BASE_PORT": "80"])
        #expect(output.status == 1)
        #expect(output.standardError.contains("the base port must be from 1024"))
        #expect(!FileManager.default.fileExists(atPath: harness.state))
    }
}
