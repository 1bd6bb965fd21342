import Topology

/// `portalctl up [--state DIR] [--source DIR]`: brings up the local two-site topology.
enum UpCommand {
    static let subcommand = Subcommand(
        name: "up",
        summary: "start the local two-site topology (agents and PostgreSQL, coordinator, API, ...)",
        usage: """
            usage: portalctl up [--state DIR] [--source DIR]

            \(TopologyOptions.stateHelp)
              --source DIR  the checkout with migrations/, scripts/ and web/ (default: .)

            Ports run from $PORTAL_BASE_PORT (default 55400) and are recorded in the state
            folder at the first up. On a running system up starts nothing; on a partly running
            one it starts what is missing. Each site's PostgreSQL is started by its agent
            (portal-agent), in the role the coordinator (portal-coordinator) recorded: after a
            failover or a switchover, up leaves the new primary primary. The programs are
            found beside portalctl: build them first (scripts/up does).
            """,
        run: { arguments, environment in
            try await UpCommand.run(arguments, environment: environment)
        }
    )

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        let parsed = try ParsedArguments(arguments, knownOptions: ["state", "source"])
        guard parsed.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(parsed.positionals.joined(separator: " "))'")
        }
        let topology = try TopologyOptions.topology(
            parsed, environment: environment, requireBuilt: true)
        if let asked = environment["PORTAL_BASE_PORT"], !asked.isEmpty,
            asked != String(topology.ports.base)
        {
            Console.out(
                "==> using the ports recorded in \(topology.state.portsFile) (base "
                    + "\(topology.ports.base)); PORTAL_BASE_PORT=\(asked) applies to a new "
                    + "state folder")
        }

        let outcome = try await topology.up { Console.out("==> \($0)") }
        let status = await topology.status()
        if outcome.started.isEmpty {
            Console.out(
                status.healthy
                    ? "everything already runs and is healthy: nothing changed"
                    : "everything already runs, but not healthy: nothing changed")
        }
        Console.out(status.text)
        guard status.healthy else { return ExitStatus.failure }
        Console.out(
            """

                Portal:   \(topology.url)  (API document: /api/v1/openapi.json)
                Sign in:  dr.shah@demo.nhs.test (referrer), mdt@demo.nhs.test (delegate) or
                          admin@demo.nhs.test (administrator)
                          password: \(LocalTopology.demoPassword)
                          POST /api/v1/sign-in, then the e-mailed code to POST /api/v1/sign-in/code
                E-mails:  \(topology.state.logFile("mail"))
                Status:   portalctl status --state \(topology.state.root)
                Stop:     portalctl down --state \(topology.state.root)
            """)
        return ExitStatus.success
    }
}
