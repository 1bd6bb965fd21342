import Foundation

// portalctl: operator commands for the portal backend. Exit status 0 on success, 1 when the
// command failed, 2 for a usage error.
let status = await Portalctl.run(
    Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
