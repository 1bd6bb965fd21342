import Foundation
import PortalTesting

/// The HTTP side of one round: the load generator started as a child process of this
/// executable against the in-process API node, for `seconds`.
enum HTTPRun {
    static func run(
        api: InProcessAPI, world: World, settings: BenchSettings, run: Int, seconds: Int
    ) async throws -> SideResult {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("referrals-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let plan = LoadGenerator.Plan(
            port: api.port, clients: world.clients.map { Self.fixed($0, world) },
            seconds: Double(seconds), firstSerial: settings.firstSerial(run: run),
            perClient: BenchSettings.perClientLimit, patients: settings.patients,
            knownPercent: settings.knownPercent, latencyFile: "\(folder)/latencies")
        try JSONEncoder().encode(plan).write(to: URL(fileURLWithPath: "\(folder)/plan.json"))

        let output = try await ProcessRunner.run(
            Self.executable, ["load", "\(folder)/plan.json"], timeout: .seconds(seconds + 60))
        let words = output.standardOutput.split(whereSeparator: \.isWhitespace)
        guard output.succeeded, words.count == 4, words[0] == "completed",
            let seconds = Double(words[3])
        else {
            throw BenchFailure(
                "the HTTP load generator failed: \(output.standardOutput)"
                    + output.standardError.suffix(2000))
        }
        let text = try String(contentsOfFile: "\(folder)/latencies", encoding: .utf8)
        let latencies = text.split(separator: "\n").compactMap { Double($0) }
        return SideResult(requests: latencies.count, seconds: seconds, latencies: latencies)
    }

    /// This program, which runs the load generator when its first argument is `load`.
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

    /// What every request of a client shares: its session and the referral's choices.
    static func fixed(
        _ client: (user: UUID, token: String, csrf: String), _ world: World
    ) -> ReferralRequest.Fixed {
        ReferralRequest.Fixed(
            host: World.host, cookie: InProcessAPI.cookie(token: client.token),
            csrfToken: client.csrf, procedureID: world.procedure.uuidString.lowercased(),
            siteID: world.site.uuidString.lowercased())
    }
}
