import Replication

/// `prefetch NAME...`: verifies and stages segments into the spool for later fetches.
enum PrefetchCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (file, rest) = Usage.parse("prefetch", arguments, positionals: 1...64) else {
            return 2
        }
        let names = rest.compactMap(WALFileName.init)
        guard names.count == rest.count else {
            Usage.report("prefetch", "every argument must be a WAL segment name")
            return 2
        }
        do {
            let fetcher = try WALFetcher(try ReceiverConfiguration.load(file: file))
            fetcher.stage(names)
            return 0
        } catch {
            Usage.report("prefetch", error.description)
            return 2
        }
    }
}
