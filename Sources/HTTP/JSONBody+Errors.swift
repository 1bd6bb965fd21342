import Foundation

extension JSONBody {
    /// The problem for a `DecodingError`: 400 when the body is not JSON, else 422 naming the
    /// field by its JSON pointer. Swift type names are translated to JSON's, and the decoder's
    /// own wording is not passed on where it would name internal types.
    static func problem(for error: DecodingError, body: [UInt8]) -> Problem {
        switch error {
        case .keyNotFound(let key, let context):
            return Self.field(context.codingPath + [key], "is required")

        case .valueNotFound(let type, let context):
            return Self.field(
                context.codingPath, "must not be null; expected \(Self.jsonName(of: type))")

        case .typeMismatch(let type, let context):
            return Self.field(context.codingPath, "must be \(Self.jsonName(of: type))")

        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return Self.notJSON(body)

        case .dataCorrupted(let context):
            let description = context.debugDescription
            let message =
                description.hasPrefix("Cannot initialize") || description.isEmpty
                ? "is not one of the accepted values" : description
            return Self.field(context.codingPath, message)

        @unknown default:
            return Problem.validation([
                .init(pointer: "", message: "does not match the expected shape")
            ])
        }
    }

    /// 400 for a body that does not parse, with the parser's description of where.
    static func notJSON(_ body: [UInt8]) -> Problem {
        var detail = "The request body is not valid JSON."
        do {
            _ = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            if let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                detail = "The request body is not valid JSON: \(reason)"
            }
        }
        return Problem.badRequest(detail)
    }

    /// A JSON pointer for a decoder's coding path: array positions as numbers, member names
    /// escaped.
    static func pointer(_ path: [any CodingKey]) -> String {
        Problem.FieldError.pointer(
            path.map { key in
                if let index = key.intValue, key.stringValue == "Index \(index)" {
                    return String(index)
                }
                return key.stringValue
            })
    }

    private static func field(_ path: [any CodingKey], _ message: String) -> Problem {
        let pointer = Self.pointer(path)
        let subject = pointer.isEmpty ? "The request body" : "Field \(pointer)"
        return Problem.validation(
            [.init(pointer: pointer, message: message)], detail: "\(subject) \(message).")
    }

    /// JSON's name for what a Swift type is decoded from.
    static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type, is Date.Type, is URL.Type,
            is UUID.Type:
            return "a string"
        case is Bool.Type:
            return "a boolean"
        case is any BinaryInteger.Type:
            return "an integer"
        case is any BinaryFloatingPoint.Type, is Decimal.Type:
            return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array<") || name.hasPrefix("Set<") { return "an array" }
            return "an object"
        }
    }

    /// Pointers to members of `sent` that `known` (the value encoded back) does not have,
    /// looking inside objects and arrays present in both.
    static func unknownMembers(sent: Any, known: Any, at path: [String]) -> [String] {
        if let sent = sent as? [String: Any], let known = known as? [String: Any] {
            var unknown: [String] = []
            for key in sent.keys.sorted() {
                guard let value = sent[key], !(value is NSNull) else { continue }
                guard let counterpart = known[key] else {
                    unknown.append(Problem.FieldError.pointer(path + [key]))
                    continue
                }
                unknown += Self.unknownMembers(sent: value, known: counterpart, at: path + [key])
            }
            return unknown
        }
        if let sent = sent as? [Any], let known = known as? [Any] {
            return zip(sent, known).enumerated().flatMap { index, pair in
                Self.unknownMembers(sent: pair.0, known: pair.1, at: path + [String(index)])
            }
        }
        return []
    }
}
