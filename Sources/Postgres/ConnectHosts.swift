/// The hosts of a multi-host connection string and libpq's `connect_timeout`, so that the
/// connector can leave a host that does not answer for the next one.
///
/// libpq honours `connect_timeout` only in its blocking calls; driven by `PQconnectPoll`,
/// a first host that accepts the TCP connection and never answers (or whose packets are
/// dropped) holds the whole attempt until the connector's overall timeout, and the next
/// host, perhaps the new primary, is never tried.
struct ConnectHosts: Equatable {
    /// Each host and its port, in the order libpq tries them.
    let hosts: [(host: String, port: String)]
    /// How long one host may take; nil when the string gives no `connect_timeout`.
    let perHost: Duration?

    static func == (lhs: ConnectHosts, rhs: ConnectHosts) -> Bool {
        lhs.perHost == rhs.perHost && lhs.hosts.elementsEqual(rhs.hosts) { $0 == $1 }
    }

    /// The hosts in `parameters`; nil unless there are several `host` entries, one port
    /// or one port each, and no `hostaddr` (whose list would have to be cut the same way).
    init?(_ parameters: [(keyword: String, value: String)]) {
        guard !parameters.contains(where: { $0.keyword == "hostaddr" }),
            let host = parameters.first(where: { $0.keyword == "host" })?.value
        else { return nil }
        let names = host.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let port = parameters.first { $0.keyword == "port" }?.value ?? ""
        var ports = port.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if ports.count == 1 { ports = Array(repeating: ports[0], count: names.count) }
        guard names.count > 1, ports.count == names.count else { return nil }

        self.hosts = Array(zip(names, ports))
        // libpq's own reading: whole seconds, zero or less is no limit, 1 means 2.
        let seconds = Int(parameters.first { $0.keyword == "connect_timeout" }?.value ?? "") ?? 0
        self.perHost = seconds > 0 ? .seconds(max(seconds, 2)) : nil
    }

    /// The position of the host libpq is trying, at or after `start`.
    func index(host: String, port: String, from start: Int) -> Int? {
        self.hosts.indices.first { $0 >= start && self.hosts[$0] == (host, port) }
    }

    /// `parameters` naming only the hosts from `index` on.
    func parameters(
        _ parameters: [(keyword: String, value: String)], from index: Int
    ) -> [(keyword: String, value: String)] {
        let rest = self.hosts[index...]
        return parameters.map { parameter in
            switch parameter.keyword {
            case "host": (parameter.keyword, rest.map(\.host).joined(separator: ","))
            case "port": (parameter.keyword, rest.map(\.port).joined(separator: ","))
            default: parameter
            }
        }
    }
}
