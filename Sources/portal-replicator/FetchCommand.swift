import Foundation
import Replication

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `fetch %f %p`: the standby's restore_command. Exit 0 when %p was written after the
/// checksum was re-verified, 1 when the archive does not hold %f (yet), 2 on a checksum
/// mismatch or any other failure. Starts a detached `prefetch` for the segments after %f.
enum FetchCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (file, rest) = Usage.parse("fetch", arguments, positionals: 2...2) else {
            return 2
        }
        guard let name = WALFileName(rest[0]) else {
            Usage.report("fetch", "'\(rest[0].prefix(64))' is not a name PostgreSQL archives (%f)")
            return 2
        }
        do {
            let configuration = try ReceiverConfiguration.load(file: file)
            let fetcher = try WALFetcher(configuration)
            let following = try fetcher.fetch(name, to: rest[1])
            if !following.isEmpty {
                Prefetcher.start(configuration: file, names: following)
            }
            return 0
        } catch {
            Usage.report("fetch", error.description)
            return error.code == .missing ? 1 : 2
        }
    }
}
