/// Renders the OpenAPI 3.1 document from the endpoint list, plus the operations endpoints
/// the HTTP server answers itself (`/healthz`, `/readyz`, `/metrics`). Every error answer
/// is `application/problem+json` with the `Problem` schema.
///
/// Shortcoming: portal-api's static-file route (`GET /*path`, the portals' pages) is not
/// in the document, which describes the API only.
enum OpenAPIDocument {
    /// The endpoints the server answers before any route, documented here by hand.
    static let operationsPaths: [(path: String, operation: JSONValue)] = [
        ("/healthz", Self.plain("getHealth", "Liveness: the process answers", ["200": "ok"])),
        (
            "/readyz",
            Self.plain(
                "getReadiness", "Readiness for the load balancer: a writable database answered",
                ["200": "ready", "503": "not ready (no writable database, or shutting down)"])
        ),
        (
            "/metrics",
            Self.plain(
                "getMetrics", "Prometheus metrics (text exposition format)", ["200": "metrics"])
        ),
    ]

    static func render(_ endpoints: [Endpoint], configuration: PortalConfiguration) -> [UInt8] {
        var paths: [(String, JSONValue)] = []
        for endpoint in endpoints {
            let path = Self.openAPIPath(endpoint.path)
            let operation = Self.operation(endpoint)
            let method = endpoint.method.rawValue.lowercased()
            if let index = paths.firstIndex(where: { $0.0 == path }),
                case .object(var methods) = paths[index].1
            {
                methods.append((method, operation))
                paths[index].1 = .object(methods)
            } else {
                paths.append((path, .object([(method, operation)])))
            }
        }
        for (path, operation) in Self.operationsPaths {
            paths.append((path, ["get": operation]))
        }

        let document: JSONValue = [
            "openapi": "3.1.0",
            "info": [
                "title": "Imaging e-referral portals API",
                "version": "1",
                "description": .string(Self.description),
            ],
            "tags": [
                ["name": "sessions", "description": "Signing in and out"],
                ["name": "registration", "description": "Asking for an account, and decisions"],
                ["name": "api-tokens", "description": "Tokens for system clients"],
                ["name": "procedures", "description": "Searching the procedure catalogue"],
                [
                    "name": "sites",
                    "description": "Scanning sites, and the nearest offering a procedure",
                ],
                ["name": "referrals", "description": "Referring patients and tracking referrals"],
                ["name": "operations", "description": "Health, readiness, metrics, this document"],
            ],
            "paths": .object(paths),
            "components": [
                "schemas": OpenAPISchemas.all,
                "securitySchemes": [
                    "session": [
                        "type": "apiKey", "in": "cookie", "name": .string(configuration.cookieName),
                        "description": "The session cookie set by POST /api/v1/sign-in/code",
                    ],
                    "csrf": [
                        "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                        "description": .string(
                            "The session's CSRF token (from GET /api/v1/me); required with "
                                + "the session cookie on every unsafe method"),
                    ],
                    "bearer": ["type": "http", "scheme": "bearer"],
                ],
            ],
        ]
        return document.bytes
    }

    static let description = """
        Every request is served for the tenant whose portal host name it was sent to. Errors \
        are RFC 9457 problem details; invalid fields are listed in `errors`, each named by a \
        JSON pointer into the request body.
        """

    /// `/a/:id/b` as OpenAPI writes it: `/a/{id}/b`.
    static func openAPIPath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }

    private static func operation(_ endpoint: Endpoint) -> JSONValue {
        let operation = endpoint.operation
        var members: [(String, JSONValue)] = [
            ("operationId", .string(operation.id)),
            ("summary", .string(operation.summary)),
            ("tags", [.string(operation.tag)]),
        ]

        var parameters: [JSONValue] = operation.parameters.map { parameter in
            [
                "name": .string(parameter.name), "in": "query",
                "description": .string(parameter.description), "schema": parameter.schema,
            ]
        }
        for segment in endpoint.path.split(separator: "/") where segment.hasPrefix(":") {
            parameters.append([
                "name": .string(String(segment.dropFirst())), "in": "path", "required": true,
                "schema": ["type": "string", "format": "uuid"],
            ])
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }

        if let body = operation.body {
            members.append(
                (
                    "requestBody",
                    [
                        "required": true,
                        "content": ["application/json": ["schema": Self.reference(body)]],
                    ]
                ))
        }
        members.append(("security", Self.security(endpoint)))
        members.append(("responses", Self.responses(endpoint)))
        return .object(members)
    }

    private static func security(_ endpoint: Endpoint) -> JSONValue {
        let unsafe = Gate.isUnsafe(endpoint.method)
        let session: JSONValue = unsafe ? ["session": [], "csrf": []] : ["session": []]
        switch endpoint.access {
        case .anyone: return []
        case .signedIn: return [session, ["bearer": []]]
        case .user: return [session]
        }
    }

    private static func responses(_ endpoint: Endpoint) -> JSONValue {
        let operation = endpoint.operation
        var success: [(String, JSONValue)] = [("description", .string(operation.description))]
        if let schema = operation.response {
            success.append(("content", ["application/json": ["schema": Self.reference(schema)]]))
        }
        if !operation.responseHeaders.isEmpty {
            let headers = operation.responseHeaders.map {
                name, description -> (String, JSONValue) in
                (name, ["description": .string(description), "schema": ["type": "string"]])
            }
            success.append(("headers", .object(headers)))
        }

        var responses: [(String, JSONValue)] = [(String(operation.status), .object(success))]
        for status in Self.errorStatuses(endpoint) {
            responses.append((String(status), Self.problemResponse(status)))
        }
        return .object(responses)
    }

    /// The error statuses an endpoint can answer with, from what it does and who may call.
    static func errorStatuses(_ endpoint: Endpoint) -> [Int] {
        var statuses = Set(endpoint.operation.errors)
        statuses.insert(500)
        guard endpoint.needsTenant else { return statuses.sorted() }

        statuses.formUnion([404, 503])
        if Gate.isUnsafe(endpoint.method) { statuses.insert(403) }
        if endpoint.operation.body != nil { statuses.formUnion([400, 415, 422]) }
        if endpoint.access != .anyone { statuses.formUnion([401, 403]) }
        return statuses.sorted()
    }

    private static func problemResponse(_ status: Int) -> JSONValue {
        var response: [(String, JSONValue)] = [
            ("description", .string(Self.errorDescriptions[status] ?? "An error")),
            ("content", ["application/problem+json": ["schema": Self.reference("Problem")]]),
        ]
        if status == 429 || status == 503 {
            response.append(
                (
                    "headers",
                    [
                        "Retry-After": [
                            "description": "Seconds to wait before trying again",
                            "schema": ["type": "integer"],
                        ]
                    ]
                ))
        }
        return .object(response)
    }

    static let errorDescriptions: [Int: String] = [
        400: "The request or its query cannot be understood",
        401: "Not signed in, the session ended, or the credentials or code were refused",
        403: "Not allowed: a missing role, a cross-site request or a missing CSRF token",
        404: "No such record in this tenant, or no portal at this host name",
        409: "The record's state does not allow this",
        410: "The link has expired or was already used",
        415: "The body is not application/json",
        422: "Fields are missing or invalid; each is named in `errors`",
        429: "Too many failed attempts: temporarily locked",
        500: "A fault on the server",
        503: "The service cannot answer now",
    ]

    static func reference(_ schema: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(schema)")]
    }

    private static func plain(
        _ id: String, _ summary: String, _ answers: [String: String]
    ) -> JSONValue {
        let responses = answers.sorted { $0.key < $1.key }.map {
            status, text -> (String, JSONValue) in
            (
                status,
                [
                    "description": .string(text),
                    "content": ["text/plain": ["schema": ["type": "string"]]],
                ]
            )
        }
        return [
            "operationId": .string(id), "summary": .string(summary), "tags": ["operations"],
            "security": [], "responses": .object(responses),
        ]
    }
}
