// portal-agent: the agent beside each PostgreSQL. It starts and supervises the server,
// reports to the failover coordinator, holds or fences the primary's lease, and promotes,
// rewinds and rejoins as the coordinator says. See AgentCommand for the arguments.
import Dispatch

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

// A peer that hangs up must surface as a write error, not end the process.
signal(SIGPIPE, SIG_IGN)
AgentSignals.install()
Task {
    exit(await AgentCommand.run(Array(CommandLine.arguments.dropFirst())))
}
dispatchMain()
