import Foundation
import Topology

/// What `up`, `down` and `status` share: the state folder option and the topology it
/// holds, with the ports recorded there (or, before the first `up`, from PORTAL_BASE_PORT).
enum TopologyOptions {
    static let stateHelp = "  --state DIR   the topology's state folder (default: ./.state)"

    /// The topology in `--state`, its programs found beside this executable.
    static func topology(
        _ parsed: ParsedArguments, environment: [String: String], requireBuilt: Bool
    ) throws -> LocalTopology {
        let state = try StateFolder(parsed.options["state"] ?? ".state")
        let ports = try PortPlan.recorded(in: state) ?? PortPlan.fromEnvironment(environment)
        let programs = try Programs.locate(
            executables: Self.executableFolder, environment: environment,
            requireBuilt: requireBuilt)
        let source = parsed.options["source"] ?? FileManager.default.currentDirectoryPath
        return LocalTopology(
            state: state, ports: ports, programs: programs, account: try ServerAccount.current(),
            source: URL(fileURLWithPath: source).standardizedFileURL.path)
    }

    /// The folder of the running portalctl, where its sibling executables are built.
    static var executableFolder: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// Removes the flag `name` (an option without a value) from `arguments`.
    static func flag(_ name: String, in arguments: inout [String]) -> Bool {
        let before = arguments.count
        arguments.removeAll { $0 == "--" + name }
        return arguments.count != before
    }
}
