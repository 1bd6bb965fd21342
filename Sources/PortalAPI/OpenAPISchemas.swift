import Accounts

/// The component schemas of the OpenAPI document: request bodies, responses and Problem.
enum OpenAPISchemas {
    static let all: JSONValue = .object(
        Self.problem + Self.session + Self.registration + Self.tokens + Self.procedures
            + Self.sites + Self.referrals + [
                ("OpenAPIDocument", ["type": "object", "description": "An OpenAPI 3.1 document"])
            ])

    static let problem: [(String, JSONValue)] = [
        (
            "Problem",
            Self.object(
                required: ["type", "title", "status"],
                [
                    ("type", Self.string("A URI naming the kind of problem")),
                    ("title", Self.string("A short summary of the kind")),
                    ("status", ["type": "integer"]),
                    ("detail", Self.string("What went wrong this time, for a person")),
                    ("instance", Self.string("The occurrence")),
                    (
                        "errors",
                        ["type": "array", "items": OpenAPIDocument.reference("FieldError")]
                    ),
                ])
        ),
        (
            "FieldError",
            Self.object(
                required: ["field", "message"],
                [
                    ("field", Self.string("An RFC 6901 JSON pointer into the request body")),
                    ("message", Self.string("What is wrong with it")),
                ])
        ),
    ]

    static let session: [(String, JSONValue)] = [
        (
            "SignInRequest",
            Self.object(
                required: ["email", "password"],
                [
                    ("email", ["type": "string", "format": "email"]),
                    ("password", ["type": "string"]),
                ])
        ),
        (
            "Challenge",
            Self.object(
                required: ["challenge", "expiresAt", "codeLength"],
                [
                    ("challenge", Self.string("Send back with the code")),
                    ("expiresAt", Self.dateTime), ("codeLength", ["type": "integer"]),
                ])
        ),
        (
            "CodeRequest",
            Self.object(
                required: ["challenge", "code"],
                [
                    ("challenge", ["type": "string"]),
                    ("code", ["type": "string", "pattern": "^[0-9]{6}$"]),
                ])
        ),
        (
            "User",
            Self.object(
                required: ["id", "fullName", "email", "jobTitle", "organisationID", "roles"],
                [
                    ("id", Self.uuid), ("fullName", ["type": "string"]),
                    ("email", ["type": "string"]), ("jobTitle", ["type": "string"]),
                    ("organisationID", Self.uuid),
                    (
                        "roles",
                        ["type": "array", "items": Self.enumeration(Role.allCases.map(\.rawValue))]
                    ),
                ])
        ),
        (
            "Session",
            Self.object(
                required: ["user", "csrfToken", "expiresAt"],
                [
                    ("user", OpenAPIDocument.reference("User")),
                    ("csrfToken", Self.string("Send as X-CSRF-Token on unsafe requests")),
                    ("expiresAt", Self.dateTime),
                ])
        ),
        (
            "Me",
            Self.object(
                required: ["kind"],
                [
                    ("kind", Self.enumeration(["user", "client"])),
                    ("user", OpenAPIDocument.reference("User")),
                    ("csrfToken", ["type": "string"]), ("sessionExpiresAt", Self.dateTime),
                    (
                        "client",
                        Self.object(
                            required: ["tokenID", "name", "scopes"],
                            [
                                ("tokenID", Self.uuid), ("name", ["type": "string"]),
                                ("scopes", ["type": "array", "items": Self.scope]),
                            ])
                    ),
                ])
        ),
        (
            "SignedOut",
            Self.object(required: ["sessionsEnded"], [("sessionsEnded", ["type": "integer"])])
        ),
        (
            "SetPasswordRequest",
            Self.object(
                required: ["token", "password"],
                [
                    ("token", Self.string("The token of the e-mailed link")),
                    ("password", ["type": "string", "minLength": 12, "maxLength": 128]),
                ])
        ),
    ]

    static let registration: [(String, JSONValue)] = [
        (
            "RegistrationForm",
            Self.object(
                required: [
                    "fullName", "jobTitle", "workAddress", "workEmail", "workPhones",
                    "organisation", "role",
                ],
                [
                    ("fullName", ["type": "string", "maxLength": 200]),
                    ("jobTitle", ["type": "string", "maxLength": 200]),
                    ("workAddress", ["type": "string", "maxLength": 1000]),
                    ("workEmail", ["type": "string", "format": "email"]),
                    (
                        "workPhones",
                        [
                            "type": "array", "minItems": 1, "maxItems": 4,
                            "items": ["type": "string"],
                        ]
                    ),
                    (
                        "organisation",
                        Self.object(
                            required: ["odsCode"],
                            [
                                ("odsCode", Self.string("NHS ODS code (RJ1, RJ121, A81001)")),
                                (
                                    "name",
                                    Self.string("Needed when the provider does not know the code")
                                ),
                            ])
                    ),
                    ("role", Self.enumeration(Role.requestable.map(\.rawValue))),
                    ("delegateKind", Self.enumeration(DelegateKind.allCases.map(\.rawValue))),
                ])
        ),
        (
            "RegistrationRequest",
            Self.object(
                required: [
                    "id", "fullName", "jobTitle", "workAddress", "workEmail", "workPhones",
                    "organisationOdsCode", "organisationName", "role", "state", "createdAt",
                ],
                [
                    ("id", Self.uuid), ("fullName", ["type": "string"]),
                    ("jobTitle", ["type": "string"]), ("workAddress", ["type": "string"]),
                    ("workEmail", ["type": "string"]),
                    ("workPhones", ["type": "array", "items": ["type": "string"]]),
                    ("organisationID", Self.uuid), ("organisationOdsCode", ["type": "string"]),
                    ("organisationName", ["type": "string"]),
                    ("role", Self.enumeration(Role.requestable.map(\.rawValue))),
                    ("delegateKind", Self.enumeration(DelegateKind.allCases.map(\.rawValue))),
                    ("state", Self.enumeration(["pending", "approved", "declined"])),
                    ("createdAt", Self.dateTime), ("decidedAt", Self.dateTime),
                    ("decisionReason", ["type": "string"]), ("userID", Self.uuid),
                ])
        ),
        (
            "RegistrationPage",
            Self.object(
                required: ["items"],
                [
                    (
                        "items",
                        [
                            "type": "array",
                            "items": OpenAPIDocument.reference("RegistrationRequest"),
                        ]
                    ),
                    (
                        "next",
                        Self.string("The cursor of the next page (`after`); absent on the last")
                    ),
                ])
        ),
        (
            "DeclineRequest",
            Self.object(required: ["reason"], [("reason", ["type": "string", "maxLength": 1000])])
        ),
    ]

    static let tokens: [(String, JSONValue)] = [
        (
            "APITokenRequest",
            Self.object(
                required: ["name", "scopes"],
                [
                    ("name", ["type": "string", "maxLength": 100]),
                    ("scopes", ["type": "array", "minItems": 1, "items": Self.scope]),
                    ("expiresInDays", ["type": "integer", "minimum": 1, "maximum": 730]),
                ])
        ),
        ("APIToken", Self.object(required: Self.tokenRequired, Self.tokenProperties)),
        (
            "CreatedAPIToken",
            Self.object(
                required: ["id", "name", "scopes", "createdAt", "token"],
                Self.tokenProperties + [("token", Self.string("The bearer token, shown this once"))]
            )
        ),
        (
            "APITokenList",
            Self.object(
                required: ["items"],
                [("items", ["type": "array", "items": OpenAPIDocument.reference("APIToken")])])
        ),
    ]

    static let tokenRequired: [String] = ["id", "name", "scopes", "createdBy", "createdAt"]

    static let tokenProperties: [(String, JSONValue)] = [
        ("id", Self.uuid), ("name", ["type": "string"]),
        ("scopes", ["type": "array", "items": Self.scope]), ("createdBy", Self.uuid),
        ("createdAt", Self.dateTime), ("expiresAt", Self.dateTime),
        ("lastUsedAt", Self.dateTime), ("revokedAt", Self.dateTime),
    ]

    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static var scope: JSONValue { Self.enumeration(APIScope.allCases.map(\.rawValue)) }

    static func string(_ description: String) -> JSONValue {
        ["type": "string", "description": .string(description)]
    }

    static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }

    static func object(required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
        [
            "type": "object", "required": .array(required.map { .string($0) }),
            "properties": .object(properties),
        ]
    }
}
