import Foundation

/// The command line's help text and argument parsing shared by the commands.
enum Usage {
    static let text = """
        usage: portal-replicator COMMAND --config FILE [ARGUMENTS]

          receive --config site-b.json        resident receiver at site B
          ship    --config site-a.json        resident shipper at site A
          push    --config site-a.json %p %f  archive_command: exit 0 only once site B
                                              holds the file durably; 1 not archived
                                              (daemon down, site B unreachable), 3 conflict
                                              (other bytes archived under the name), 2 bad
                                              arguments or configuration
          fetch   --config site-b.json %f %p  restore_command: 0 written, 1 missing,
                                              2 checksum mismatch or other failure
          backup  --config site-b.json        base backup into the archive
          retain  --config site-b.json        apply retention to backups and WAL
          prefetch --config site-b.json NAME...  stage segments for fetch (started by fetch)

        Logs are JSON lines on standard error; PORTAL_LOG_LEVEL sets the level (info).
        For tests only: PORTAL_REPLICATOR_FAULT=flip-byte:NAME makes `ship` flip one byte
        of NAME the first time it sends it, so site B's refusal and the resend can be seen.
        """

    /// Prints `message` and the usage to standard error.
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("portal-replicator: \(message)\n\(Self.text)\n".utf8))
    }

    /// Prints one error line to standard error (for PostgreSQL's log).
    static func report(_ command: String, _ message: String) {
        FileHandle.standardError.write(Data("portal-replicator \(command): \(message)\n".utf8))
    }

    /// Splits `--config FILE` from the positional arguments; nil (after printing why) when
    /// the flag is missing, repeated, or an unknown flag is given.
    static func parse(
        _ command: String, _ arguments: [String], positionals: ClosedRange<Int>
    ) -> (config: String, rest: [String])? {
        var config: String?
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--config" {
                guard config == nil, index + 1 < arguments.count else {
                    Self.fail("\(command): --config takes one file, once")
                    return nil
                }
                config = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--") {
                Self.fail("\(command): unknown option \(argument)")
                return nil
            }
            rest.append(argument)
            index += 1
        }
        guard let config else {
            Self.fail("\(command): --config FILE is required")
            return nil
        }
        guard positionals.contains(rest.count) else {
            Self.fail(
                "\(command): expected \(positionals) arguments after the options, got \(rest.count)"
            )
            return nil
        }
        return (config, rest)
    }
}
