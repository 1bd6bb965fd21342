/// `--name value` options after a subcommand; refuses unknown names, flags without a value
/// and values that do not parse.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ arguments: [String], known: Set<String>) throws(ChaosError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), known.contains(String(argument.dropFirst(2))) else {
                throw ChaosError(.usage, "unknown argument '\(argument)'")
            }
            guard index + 1 < arguments.count else {
                throw ChaosError(.usage, "\(argument) needs a value")
            }
            self.values[String(argument.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func string(_ name: String) -> String? { self.values[name] }

    func required(_ name: String) throws(ChaosError) -> String {
        guard let value = self.values[name], !value.isEmpty else {
            throw ChaosError(.usage, "--\(name) is required")
        }
        return value
    }

    func number(
        _ name: String, default value: Double, in range: ClosedRange<Double>
    )
        throws(ChaosError) -> Double
    {
        guard let text = self.values[name] else { return value }
        guard let number = Double(text), range.contains(number) else {
            throw ChaosError(
                .usage,
                "--\(name) must be a number from \(range.lowerBound) to \(range.upperBound), "
                    + "not '\(text)'")
        }
        return number
    }

    func ports(_ name: String) throws(ChaosError) -> [Int] {
        guard let text = self.values[name], !text.isEmpty else { return [] }
        var ports: [Int] = []
        for part in text.split(separator: ",") {
            guard let port = Int(part), (1...65535).contains(port) else {
                throw ChaosError(.usage, "--\(name): '\(part)' is not a port")
            }
            ports.append(port)
        }
        return ports
    }
}
