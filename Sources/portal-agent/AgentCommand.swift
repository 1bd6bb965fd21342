import Failover
import Foundation
import SiteAgent
import Telemetry

/// `portal-agent --config agent.json`: checks the configuration, starts the agent, runs
/// until SIGTERM or SIGINT, then stops PostgreSQL fast and exits 0. A bad configuration
/// exits 2 with a message naming the setting, before anything is started.
enum AgentCommand {
    static let usage = "usage: portal-agent --config agent.json"

    static func run(_ arguments: [String]) async -> Int32 {
        guard arguments.count == 2, arguments[0] == "--config" else {
            let help = arguments == ["--help"]
            Self.fail(help ? Self.usage : "expected --config FILE; \(Self.usage)")
            return 2
        }
        let level = ProcessInfo.processInfo.environment["PORTAL_LOG_LEVEL"] ?? "info"
        let logger = Logger(label: "portal-agent", level: Logger.Level(name: level) ?? .info)

        let agent: SiteAgent
        do {
            let configuration = try AgentConfiguration.load(path: arguments[1])
            agent = try SiteAgent(settings: AgentSettings(configuration), logger: logger)
        } catch let error as FailoverError {
            Self.fail(error.message)
            return 2
        } catch let error as AgentError {
            Self.fail("configuration \(arguments[1]): \(error.message)")
            return 2
        } catch {
            Self.fail("\(error)")
            return 2
        }
        do {
            try await agent.start()
        } catch {
            logger.error("agent did not start", [("error", .string(error.message))])
            await agent.shutdown()
            return 1
        }
        let signal = await AgentSignals.next()
        logger.info("stop signal received", [("agent.signal", .int(Int64(signal)))])
        await agent.shutdown()
        return 0
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("portal-agent: \(message)\n".utf8))
    }
}
