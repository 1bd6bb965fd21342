import Telemetry

/// An error answer in the shape of RFC 9457 problem details, sent as
/// `application/problem+json`. Every error the HTTP layer sends is one of these.
///
/// Problems are errors, so code below a responder can `throw` one and the responder turns
/// it into the response with ``response()``. The generic kinds use the type `about:blank`,
/// whose title is the status's reason phrase; a domain may give its own type URI.
public struct Problem: Error, Sendable, Equatable {
    /// One thing wrong with a request's content, located by a JSON pointer into the body
    /// (`/patient/nhsNumber`, `/sites/0`).
    public struct FieldError: Sendable, Equatable {
        /// An RFC 6901 JSON pointer to the offending value; empty for the whole body.
        public var pointer: String
        public var message: String

        public init(pointer: String, message: String) {
            self.pointer = pointer
            self.message = message
        }
    }

    /// A URI naming the kind of problem; `about:blank` means "just the status".
    public var type: String
    /// A short summary of the kind of problem, the same for every occurrence.
    public var title: String
    public var status: HTTPStatus
    /// What went wrong this time, for a human. Never internal details.
    public var detail: String?
    /// A URI for this occurrence (the request's path, say).
    public var instance: String?
    /// Field-level errors, rendered as the `errors` extension member when present.
    public var errors: [FieldError]
    /// Headers that must travel with the problem: `Allow` on 405, `Retry-After` on 503.
    public var headers: HTTPHeaders

    public init(
        status: HTTPStatus,
        type: String = "about:blank",
        title: String? = nil,
        detail: String? = nil,
        instance: String? = nil,
        errors: [FieldError] = [],
        headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
        self.headers = headers
    }

    /// The media type of ``body()``.
    public static let contentType = "application/problem+json"

    /// The JSON document: `type`, `title`, `status`, then `detail`, `instance` and `errors`
    /// when present.
    public func body() -> [UInt8] {
        var json = JSONWriter(capacity: 128 + 64 * self.errors.count)
        json.beginObject()
        json.key("type")
        json.string(self.type)
        json.key("title")
        json.string(self.title)
        json.key("status")
        json.integer(self.status.code)
        if let detail = self.detail {
            json.key("detail")
            json.string(detail)
        }
        if let instance = self.instance {
            json.key("instance")
            json.string(instance)
        }
        if !self.errors.isEmpty {
            json.key("errors")
            json.beginArray()
            for error in self.errors {
                json.beginObject()
                json.key("field")
                json.string(error.pointer)
                json.key("message")
                json.string(error.message)
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        return json.bytes
    }

    /// The response carrying this problem, with its headers and `Content-Type`.
    public func response() -> HTTPResponse {
        var headers = self.headers
        headers.replaceOrAdd("Content-Type", Self.contentType)
        return HTTPResponse(status: self.status, headers: headers, body: self.body())
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.type == rhs.type && lhs.title == rhs.title && lhs.status == rhs.status
            && lhs.detail == rhs.detail && lhs.instance == rhs.instance && lhs.errors == rhs.errors
            && Array(lhs.headers).elementsEqual(Array(rhs.headers)) { $0 == $1 }
    }
}
