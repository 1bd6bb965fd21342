/// Splits arguments into `--name value` / `--name=value` options and positional words,
/// refusing options the command does not know and options given twice.
struct ParsedArguments {
    private(set) var options: [String: String] = [:]
    private(set) var positionals: [String] = []

    init(_ arguments: [String], knownOptions: Set<String>) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                self.positionals.append(argument)
                continue
            }

            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard knownOptions.contains(name) else {
                throw UsageError("unknown option --\(name)")
            }
            guard self.options[name] == nil else {
                throw UsageError("--\(name) given twice")
            }
            if value == nil {
                guard let next = remaining.popFirst(), !next.hasPrefix("--") else {
                    throw UsageError("--\(name) needs a value")
                }
                value = next
            }
            guard let value, !value.isEmpty else {
                throw UsageError("--\(name) needs a value")
            }
            self.options[name] = value
        }
    }
}
