import Accounts
import Foundation
import HTTP
import Postgres
import Referrals
import Synchronization
import Tenancy

/// The HTTP endpoints of the referrer and commissioner portals under `/api/v1`: sign-in
/// with a password and an e-mailed code, sessions and CSRF checks, registration requests
/// and their decisions, setting a password, API tokens, and the OpenAPI document that
/// describes all of them. Every request runs with its tenant, found from the host name.
public final class PortalAPI: Sendable {
    public let configuration: PortalConfiguration
    let accounts: Accounts
    let resolver: TenantResolver
    let gate: Gate
    /// The database pool to use from the calling task (one per event loop on an API node).
    let pool: @Sendable () -> PostgresPool
    /// Every endpoint, in the order the document lists them.
    let endpoints: [Endpoint]
    private let document: RenderedDocument

    /// Stands in for a tenant on the endpoints that need none; never sent to the database.
    static let noTenant = TenantID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

    public init(
        configuration: PortalConfiguration, accounts: Accounts,
        pool: @escaping @Sendable () -> PostgresPool
    ) {
        self.configuration = configuration
        self.accounts = accounts
        self.resolver = TenantResolver(configuration: configuration)
        self.gate = Gate(accounts: accounts, configuration: configuration)
        self.pool = pool

        let document = RenderedDocument()
        let endpoints =
            Self.sessionEndpoints(configuration: configuration, accounts: accounts)
            + Self.registrationEndpoints(accounts: accounts)
            + Self.tokenEndpoints(accounts: accounts)
            + Self.procedureEndpoints(catalogue: ProcedureCatalogue(pool: pool))
            + Self.siteEndpoints(pool: pool)
            + Self.referralEndpoints(referrals: Referrals(pool: pool))
            + [Self.documentEndpoint(document)]
        document.store(OpenAPIDocument.render(endpoints, configuration: configuration))
        self.endpoints = endpoints
        self.document = document
    }

    /// The method and router pattern of every route `mount(into:)` adds.
    public var routes: [(method: HTTPMethod, path: String)] {
        self.endpoints.map { ($0.method, $0.path) }
    }

    /// Adds every endpoint to `router`. Mount before any catch-all route (static files).
    public func mount(into router: inout Router) throws(RouterError) {
        for endpoint in self.endpoints {
            try router.add(
                endpoint.method, endpoint.path, EndpointResponder(endpoint: endpoint, api: self))
        }
    }

    /// The OpenAPI 3.1 document of every route, the operations endpoints included.
    public var openAPIDocument: [UInt8] {
        self.document.bytes
    }

    private static func documentEndpoint(_ document: RenderedDocument) -> Endpoint {
        Endpoint(
            method: .get, path: "/api/v1/openapi.json", access: .anyone,
            operation: Operation(
                id: "getOpenAPIDocument", summary: "This API's OpenAPI 3.1 document",
                tag: "operations", status: 200, description: "The document",
                response: "OpenAPIDocument"),
            needsTenant: false
        ) { _ throws(Problem) in
            HTTPResponse(
                status: .ok, headers: ["Content-Type": "application/vnd.oai.openapi+json"],
                body: document.bytes)
        }
    }
}

/// The OpenAPI document, rendered once the endpoint list (which serves it) is complete.
final class RenderedDocument: Sendable {
    private let rendered = Mutex<[UInt8]>([])

    func store(_ bytes: [UInt8]) {
        self.rendered.withLock { $0 = bytes }
    }

    var bytes: [UInt8] {
        self.rendered.withLock { $0 }
    }
}
