import Foundation

/// One JSON object of a configuration file, read strictly: every key must be known, every
/// required key present, every value of the expected type, and each error names the key by
/// its full path (`receiver.port`), so a typo never silently falls back to a default.
struct ConfigurationObject {
    let path: String
    private let values: [String: Any]
    /// The folder relative file paths are resolved against (the configuration file's).
    let baseFolder: String

    init(_ values: [String: Any], path: String, baseFolder: String) {
        self.values = values
        self.path = path
        self.baseFolder = baseFolder
    }

    /// Parses `file` as one JSON object.
    static func load(file: String) throws(ReplicatorError) -> ConfigurationObject {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ReplicatorError(.configuration, "cannot read the configuration file \(file)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ReplicatorError(.configuration, "\(file) is not valid JSON: \(error)")
        }
        guard let object = parsed as? [String: Any] else {
            throw ReplicatorError(.configuration, "\(file) must hold one JSON object")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        return ConfigurationObject(object, path: "", baseFolder: folder)
    }

    /// Refuses any key outside `known`.
    func allowOnly(_ known: Set<String>) throws(ReplicatorError) {
        for key in self.values.keys.sorted() where !known.contains(key) {
            let list = known.sorted().joined(separator: ", ")
            throw ReplicatorError(
                .configuration, "unknown key \(self.name(key)); known keys here: \(list)")
        }
    }

    func has(_ key: String) -> Bool { self.values[key] != nil }

    func string(_ key: String) throws(ReplicatorError) -> String {
        guard let value = try self.optionalString(key) else { throw self.missing(key) }
        return value
    }

    func optionalString(_ key: String) throws(ReplicatorError) -> String? {
        guard let raw = self.values[key] else { return nil }
        guard let text = raw as? String, !text.isEmpty else {
            throw ReplicatorError(.configuration, "\(self.name(key)) must be a non-empty string")
        }
        return text
    }

    /// A file path; relative paths are taken from the configuration file's folder.
    func filePath(_ key: String) throws(ReplicatorError) -> String {
        guard let path = try self.optionalFilePath(key) else { throw self.missing(key) }
        return path
    }

    func optionalFilePath(_ key: String) throws(ReplicatorError) -> String? {
        guard let text = try self.optionalString(key) else { return nil }
        return text.hasPrefix("/") ? text : self.baseFolder + "/" + text
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ReplicatorError) -> Int {
        guard let value = try self.optionalInteger(key, in: range) else { throw self.missing(key) }
        return value
    }

    func optionalInteger(
        _ key: String, in range: ClosedRange<Int>
    ) throws(ReplicatorError) -> Int? {
        guard let raw = self.values[key] else { return nil }
        guard let number = Self.wholeNumber(raw), range.contains(number) else {
            throw ReplicatorError(
                .configuration,
                "\(self.name(key)) must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound)")
        }
        return number
    }

    /// A JSON number without a fraction; nil for booleans, which Foundation also gives as
    /// numbers.
    private static func wholeNumber(_ raw: Any) -> Int? {
        guard let number = raw as? NSNumber else { return nil }
        let type = String(cString: number.objCType)
        guard type != "c", type != "B", !(raw is Bool && type == "c") else { return nil }
        let value = number.doubleValue
        guard value == value.rounded(), abs(value) < 1e15 else { return nil }
        return number.intValue
    }

    func object(_ key: String) throws(ReplicatorError) -> ConfigurationObject {
        guard let value = try self.optionalObject(key) else { throw self.missing(key) }
        return value
    }

    func optionalObject(_ key: String) throws(ReplicatorError) -> ConfigurationObject? {
        guard let raw = self.values[key] else { return nil }
        guard let object = raw as? [String: Any] else {
            throw ReplicatorError(.configuration, "\(self.name(key)) must be a JSON object")
        }
        return ConfigurationObject(object, path: self.name(key), baseFolder: self.baseFolder)
    }

    func name(_ key: String) -> String {
        self.path.isEmpty ? key : "\(self.path).\(key)"
    }

    private func missing(_ key: String) -> ReplicatorError {
        ReplicatorError(.configuration, "missing required key \(self.name(key))")
    }
}
