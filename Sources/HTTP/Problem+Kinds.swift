/// The problems the HTTP layer and the handlers above it send most often.
extension Problem {
    /// 400: the request cannot be understood (bad syntax, bad encoding, bad parameter).
    public static func badRequest(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(status: .badRequest, detail: detail, errors: errors)
    }

    /// 404: nothing lives at this path.
    public static func notFound(_ detail: String? = nil, instance: String? = nil) -> Problem {
        Problem(status: .notFound, detail: detail, instance: instance)
    }

    /// 405: the path exists but not for this method; `Allow` lists the methods that do.
    public static func methodNotAllowed(_ method: HTTPMethod, allowed: [HTTPMethod]) -> Problem {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return Problem(
            status: .methodNotAllowed,
            detail: "\(method.rawValue) is not supported here; use one of: \(list).",
            headers: ["Allow": list])
    }

    /// 413: the body is larger than the server accepts.
    public static func payloadTooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, detail: "The request body exceeds \(limit) bytes.")
    }

    /// 415: the body's media type is not one this endpoint reads.
    public static func unsupportedMediaType(expected: String, got: String?) -> Problem {
        let sent = got.map { "'\($0)'" } ?? "no Content-Type"
        return Problem(
            status: .unsupportedMediaType,
            detail: "The body must be \(expected); the request sent \(sent).",
            headers: ["Accept": expected])
    }

    /// 422: the body is well-formed but its values break the rules; one entry a field.
    public static func validation(_ errors: [FieldError], detail: String? = nil) -> Problem {
        let summary = errors.count == 1 ? "an invalid field" : "invalid fields"
        return Problem(
            status: .unprocessableContent,
            detail: detail ?? "The request body has \(summary).",
            errors: errors)
    }

    /// 409: the request conflicts with the resource's current state.
    public static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, detail: detail)
    }

    /// 500: a bug or an outage on our side. Deliberately says nothing about the cause; the
    /// cause goes to the log under the request's id, which the client sees in
    /// `X-Request-ID`.
    public static func `internal`() -> Problem {
        Problem(status: .internalServerError)
    }
}
