// portal-replicator: WAL log shipping between the two sites. `ship` runs beside the
// primary at site A and `push` is its archive_command; `receive` runs at site B and
// stores the archive that `fetch` (restore_command) reads. See Usage for every command.
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

// A peer that hangs up must surface as a write error, not end the process.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
let status: Int32
switch arguments.first {
case "receive":
    status = ReceiveCommand.run(Array(arguments.dropFirst()))
case "ship":
    status = ShipCommand.run(Array(arguments.dropFirst()))
case "push":
    status = PushCommand.run(Array(arguments.dropFirst()))
case "fetch":
    status = FetchCommand.run(Array(arguments.dropFirst()))
case "backup": status = await BackupCommand.run(Array(arguments.dropFirst()))
case "retain": status = await RetainCommand.run(Array(arguments.dropFirst()))
case "prefetch":
    status = PrefetchCommand.run(Array(arguments.dropFirst()))
case "help", "--help", "-h":
    print(Usage.text)
    status = 0
default:
    Usage.fail("unknown command \(arguments.first ?? "(none)")")
    status = 2
}
exit(status)
