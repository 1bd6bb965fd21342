import Foundation

/// Reads JSON request bodies into `Decodable` values, turning every way a body can be wrong
/// into a ``Problem`` that names the field and says what was wrong with it.
///
/// - 415 when `Content-Type` is not `application/json` (a `charset` other than UTF-8 too);
/// - 400 when the body is empty or not JSON at all, with the parser's position;
/// - 422 when it is JSON but does not fit: a missing field, a wrong type, null where a value
///   is needed, a value outside an enumeration, each as a JSON pointer (`/patient/nhsNumber`).
///
/// Unknown fields: ``decode(_:from:contentType:)`` ignores them, so older clients keep
/// working when a response type grows; ``decodeStrict(_:from:contentType:)`` refuses them
/// with 422, for clinical forms where a misspelt optional field (`urgnet`) must not be
/// silently dropped. Foundation's parser accepts a trailing comma in objects and arrays;
/// such bodies are read as if it were absent.
public enum JSONBody {
    /// The media type bodies must declare.
    public static let mediaType = "application/json"

    /// Decodes `type` from `body`, ignoring members `type` does not declare.
    public static func decode<T: Decodable>(
        _ type: T.Type, from body: [UInt8], contentType: String?
    ) throws(Problem) -> T {
        try Self.checkContentType(contentType)
        guard !body.isEmpty else { throw Self.emptyBody }

        do {
            return try Self.makeDecoder().decode(type, from: Data(body))
        } catch let problem as Problem {
            throw problem
        } catch let error as DecodingError {
            throw Self.problem(for: error, body: body)
        } catch {
            throw Problem.validation([.init(pointer: "", message: "is not acceptable")])
        }
    }

    /// Decodes `type` from `body` and refuses members it does not declare, by comparing the
    /// body's members with those the decoded value encodes back to. A member sent as `null`
    /// counts as absent, since an optional the value leaves out encodes to nothing.
    public static func decodeStrict<T: Codable>(
        _ type: T.Type, from body: [UInt8], contentType: String?
    ) throws(Problem) -> T {
        let value = try Self.decode(type, from: body, contentType: contentType)

        let unknown: [String]
        do {
            let sent = try JSONSerialization.jsonObject(
                with: Data(body), options: [.fragmentsAllowed])
            let encoded = try JSONSerialization.jsonObject(
                with: Self.makeEncoder().encode(value), options: [.fragmentsAllowed])
            unknown = Self.unknownMembers(sent: sent, known: encoded, at: [])
        } catch {
            throw Problem.validation([
                .init(pointer: "", message: "could not be checked for unknown fields")
            ])
        }

        guard unknown.isEmpty else {
            throw Problem.validation(
                unknown.map { .init(pointer: $0, message: "is not a known field") },
                detail: "The request body has fields this endpoint does not accept.")
        }
        return value
    }

    /// Dates are ISO 8601 text (`2026-12-03T17:44:02Z`), as everywhere in the API.
    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static let emptyBody = Problem.badRequest(
        "The request body is empty; a JSON document is required.")

    /// Accepts `application/json` with no charset or `charset=utf-8`, in any letter case.
    static func checkContentType(_ contentType: String?) throws(Problem) {
        let refusal = Problem.unsupportedMediaType(expected: Self.mediaType, got: contentType)
        guard let contentType else { throw refusal }

        let parts = contentType.split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard parts.first == Self.mediaType else { throw refusal }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: ["\""])
            guard charset == "utf-8" || charset == "utf8" else { throw refusal }
        }
    }
}
