import Foundation

/// A coding key for any name, used to list the keys a JSON object actually has.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws when the JSON object being decoded has a key `Keys` does not list, so a typo
    /// in a configuration file is an error instead of a silently ignored setting.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: self.codingPath + [key],
                    debugDescription:
                        "unknown key (allowed: \(known.sorted().joined(separator: ", ")))"
                ))
        }
    }
}

/// JSON decoding that turns Foundation's errors into ``FailoverError``s naming the key.
public enum StrictJSON {
    /// Decodes `T` from `data`; `what` names the source in the message ("configuration
    /// /etc/c.json", "heartbeat"), `code` is the error kind to throw.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, what: String, code: FailoverError.Code
    ) throws(FailoverError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw FailoverError(code, "\(what): \(Self.explain(error))")
        } catch {
            throw FailoverError(code, "\(what): \(error)")
        }
    }

    /// Encodes `value` as compact JSON with sorted keys.
    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every type here encodes only strings, numbers, booleans and nulls.
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    /// A one-line explanation of a decoding error that names the key path.
    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(Self.path(context.codingPath + [key]))'"
        case .valueNotFound(_, let context):
            return "'\(Self.path(context.codingPath))' is null but a value is required"
        case .typeMismatch(let type, let context):
            return "'\(Self.path(context.codingPath))' is not a \(Self.name(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "not valid JSON (\(context.underlyingError.map { "\($0)" } ?? "")"
                    + "\(context.debugDescription))"
            }
            return "'\(Self.path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is UInt64.Type, is Int64.Type: "number"
        default: "\(type)".lowercased().contains("dictionary") ? "object" : "\(type)"
        }
    }
}
