import Foundation
import PortalTesting
import Testing

extension AgentProcessTests {
    /// Runs `portal-agent` on a configuration and returns its exit status and errors.
    func runAgent(configuration: String, folder: String) async throws -> CommandOutput {
        let path = "\(folder)/bad-\(UUID().uuidString).json"
        try configuration.write(toFile: path, atomically: true, encoding: .utf8)
        return try await ProcessRunner.run(
            BuiltProduct.path("portal-agent"), ["--config", path], timeout: .seconds(20))
    }

    @Test func aBadConfigurationIsRefusedBeforeAnythingStarts() async throws {
        try await AgentHarness.with(coordinator: "http://127.0.0.1:9") { harness in
            let path = try harness.configuration("site_a")
            let good = try String(contentsOfFile: path, encoding: .utf8)
            let data = harness.pair.primary.dataDirectory
            let missing = "/nonexistent/data"
            let cases: [(String, String)] = [
                (good.replacingOccurrences(of: #""node""#, with: #""nodes": 1, "node""#), "nodes"),
                (good.replacingOccurrences(of: #""site_a","#, with: #""Site-A","#), "Site-A"),
                (good.replacingOccurrences(of: data, with: missing), missing),
            ]
            for (configuration, named) in cases {
                #expect(configuration != good)
                let output = try await self.runAgent(
                    configuration: configuration, folder: harness.folder)
                #expect(output.status == 2, "\(named): \(output.standardError)")
                #expect(output.standardError.contains(named), "\(output.standardError)")
                #expect(harness.postmaster("site_a") == nil)
            }
        }
    }
}
