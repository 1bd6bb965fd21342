import Foundation
import HTTP
import Testing

extension PortalAPISuites {
    /// The OpenAPI document against the routes actually mounted and served: nothing routed is
    /// missing from it, nothing in it is unrouted, and every error is a problem+json.
    @Suite("OpenAPI document")
    struct OpenAPITests {
        static let operationsPaths: Set<String> = ["GET /healthz", "GET /readyz", "GET /metrics"]

        static func document(_ harness: PortalHarness) async throws -> [String: Any] {
            let answer = try await harness.client(host: "any.host.example").get(
                "/api/v1/openapi.json")
            try #require(answer.status == 200)
            return answer.json
        }

        /// `METHOD /path` for every operation in the document.
        static func operations(_ document: [String: Any]) -> Set<String> {
            var found: Set<String> = []
            for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
                for method in item.keys {
                    found.insert("\(method.uppercased()) \(path)")
                }
            }
            return found
        }

        @Test("every mounted route is documented, and every documented operation is mounted")
        func completeness() async throws {
            try await PortalHarness.with { harness in
                let document = try await Self.document(harness)
                #expect(document["openapi"] as? String == "3.1.0")

                let routed = Set(
                    harness.api.routes.map { route in
                        let path = route.path.split(
                            separator: "/", omittingEmptySubsequences: false
                        )
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                        .joined(separator: "/")
                        return "\(route.method.rawValue) \(path)"
                    })
                let documented = Self.operations(document)
                #expect(
                    routed.subtracting(documented).isEmpty,
                    "undocumented: \(routed.subtracting(documented))")
                #expect(
                    documented.subtracting(routed).subtracting(Self.operationsPaths).isEmpty,
                    "documented but not routed: \(documented.subtracting(routed))")
                #expect(Self.operationsPaths.isSubset(of: documented))

                let declared = Set(
                    (document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
                var used: Set<String> = []
                for item in (document["paths"] as? [String: [String: Any]] ?? [:]).values {
                    for operation in item.values {
                        used.formUnion((operation as? [String: Any])?["tags"] as? [String] ?? [])
                    }
                }
                #expect(used == declared, "undeclared: \(used.subtracting(declared))")
            }
        }

        @Test(
            "the server answers every documented operation at its route (no 404 or 405 from the router)"
        )
        func everyOperationIsServed() async throws {
            try await PortalHarness.with { harness in
                let document = try await Self.document(harness)
                let client = harness.client()
                for operation in Self.operations(document).sorted() {
                    let parts = operation.split(separator: " ")
                    let method = String(parts[0])
                    let path = String(parts[1]).replacingOccurrences(
                        of: "{id}", with: UUID().uuidString.lowercased())
                    let answer = try await client.send(method, path)
                    #expect(answer.status != 405, "\(operation)")
                    let routerMiss = answer.status == 404 && answer.problemType == "about:blank"
                    #expect(!routerMiss, "\(operation) is not routed")
                    if Self.operationsPaths.contains(operation) {
                        #expect(answer.status == 200, "\(operation)")
                    }
                }
            }
        }

        @Test("every error answer is problem+json with the Problem schema, and every $ref resolves")
        func problemsAndReferences() async throws {
            try await PortalHarness.with { harness in
                let document = try await Self.document(harness)
                let schemas =
                    (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                let names = Set(schemas?.keys.map { $0 } ?? [])
                #expect(names.contains("Problem"))

                for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
                    for (method, operation) in item {
                        let responses =
                            (operation as? [String: Any])?["responses"] as? [String: Any]
                        #expect(responses?.isEmpty == false, "\(method) \(path)")
                        for (status, response) in responses ?? [:] where !status.hasPrefix("2") {
                            let content = (response as? [String: Any])?["content"] as? [String: Any]
                            if path == "/readyz" { continue }
                            let problem = content?["application/problem+json"] as? [String: Any]
                            let reference =
                                (problem?["schema"] as? [String: Any])?["$ref"] as? String
                            #expect(
                                reference == "#/components/schemas/Problem",
                                "\(method) \(path) \(status)")
                        }
                    }
                }

                let text = String(decoding: harness.api.openAPIDocument, as: UTF8.self)
                var references: Set<String> = []
                var rest = Substring(text)
                while let range = rest.range(of: "\"#/components/schemas/") {
                    let tail = rest[range.upperBound...]
                    references.insert(String(tail.prefix { $0 != "\"" }))
                    rest = tail
                }
                #expect(!references.isEmpty)
                #expect(
                    references.subtracting(names).isEmpty,
                    "unresolved: \(references.subtracting(names))")
            }
        }

        @Test("documented response members are those the endpoints send")
        func responseShapes() async throws {
            try await PortalHarness.with { harness in
                let document = try await Self.document(harness)
                let schemas =
                    (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                func properties(_ name: String) -> Set<String> {
                    let schema = schemas?[name] as? [String: Any]
                    return Set((schema?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                }

                let session = try await harness.signIn(harness.admin.email)
                let me = try await session.authenticated().get("/api/v1/me")
                #expect(Set(me.json.keys).isSubset(of: properties("Me")))
                let user = me.json["user"] as? [String: Any] ?? [:]
                #expect(Set(user.keys) == properties("User"))

                let created = try await session.authenticated().post(
                    "/api/v1/api-tokens", json: ["name": "n", "scopes": ["activity:read"]])
                #expect(Set(created.json.keys).isSubset(of: properties("CreatedAPIToken")))

                let submitted = try await harness.client().post(
                    "/api/v1/registration-requests", json: RegistrationTests.form())
                #expect(Set(submitted.json.keys).isSubset(of: properties("RegistrationRequest")))
                let problem = try await harness.client().get("/api/v1/me")
                #expect(Set(problem.json.keys).isSubset(of: properties("Problem")))
            }
        }
    }
}
