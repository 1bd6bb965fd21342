import Replication

/// `push %p %f`: PostgreSQL's archive_command. Exit 0 only once site B holds the file
/// durably; 1 when it was not archived (daemon down, site B unreachable), 3 on a conflict,
/// 2 for bad arguments or configuration.
enum PushCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let (file, rest) = Usage.parse("push", arguments, positionals: 2...2) else {
            return 2
        }
        do {
            let configuration = try ShipperConfiguration.load(file: file)
            try PushClient.push(path: rest[0], name: rest[1], configuration: configuration)
            return 0
        } catch {
            Usage.report("push", error.description)
            switch error.code {
            case .conflict: return 3
            case .usage, .configuration: return 2
            default: return 1
            }
        }
    }
}
