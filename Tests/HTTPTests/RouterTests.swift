import Foundation
import HTTP
import Testing

/// Answers with the route pattern and the parameters it saw, as `pattern|name=value,...`.
private let echo = ClosureResponder { request in
    let parameters = request.pathParameters.sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    return .text("\(request.route ?? "-")|\(parameters)")
}

@Suite struct RouterTests {
    private func router() throws -> Router {
        var router = Router()
        try router.add(.get, "/", echo)
        try router.add(.get, "/api/v1/referrals", echo)
        try router.add(.post, "/api/v1/referrals", echo)
        try router.add(.get, "/api/v1/referrals/new", echo)
        try router.add(.get, "/api/v1/referrals/:id", echo)
        try router.add(.patch, "/api/v1/referrals/:id", echo)
        try router.add(.get, "/api/v1/referrals/:id/report", echo)
        try router.add(.get, "/api/v1/sites/:site/slots/:day", echo)
        try router.add(.get, "/api/v1/referrals/new/draft", echo)
        try router.add(.get, "/assets/*path", echo)
        return router
    }

    private func call(
        _ router: Router, _ method: HTTPMethod, _ path: String
    ) async -> (status: Int, text: String, headers: HTTPHeaders) {
        let response = await router.respond(to: HTTPRequest(method: method, path: path))
        return (
            response.status.code, String(decoding: response.body, as: UTF8.self), response.headers
        )
    }

    @Test func matchesLiteralsParametersAndRecordsThePattern() async throws {
        let router = try self.router()

        #expect(await self.call(router, .get, "/").text == "/|")
        #expect(await self.call(router, .get, "/api/v1/referrals").text == "/api/v1/referrals|")
        #expect(
            await self.call(router, .get, "/api/v1/referrals/new").text == "/api/v1/referrals/new|")
        #expect(
            await self.call(router, .get, "/api/v1/referrals/R-7").text
                == "/api/v1/referrals/:id|id=R-7")
        #expect(
            await self.call(router, .get, "/api/v1/sites/leeds/slots/2026-12-04").text
                == "/api/v1/sites/:site/slots/:day|day=2026-12-04,site=leeds")
    }

    @Test func backtracksFromALiteralThatLeadsNowhere() async throws {
        let router = try self.router()

        #expect(
            await self.call(router, .get, "/api/v1/referrals/new/report").text
                == "/api/v1/referrals/:id/report|id=new")
        #expect(
            await self.call(router, .get, "/api/v1/referrals/new/draft").text
                == "/api/v1/referrals/new/draft|")
    }

    @Test func wildcardTakesTheRestOfThePathStillEncoded() async throws {
        let router = try self.router()

        #expect(
            await self.call(router, .get, "/assets/css/site.css").text
                == "/assets/*path|path=css/site.css")
        #expect(await self.call(router, .get, "/assets/a%2Fb").text == "/assets/*path|path=a%2Fb")
        #expect(await self.call(router, .get, "/assets").text == "/assets/*path|path=")
    }

    @Test func decodesParametersAndRefusesInvalidEncodings() async throws {
        let router = try self.router()

        #expect(
            await self.call(router, .get, "/api/v1/referrals/R%201%C3%A9").text
                == "/api/v1/referrals/:id|id=R 1é")
        #expect(
            await self.call(router, .get, "/api/v1/referrals/a+b").text
                == "/api/v1/referrals/:id|id=a+b")

        for bad in ["%", "%2", "%zz", "%C3", "%00", "%FF%FE"] {
            let result = await self.call(router, .get, "/api/v1/referrals/" + bad)
            #expect(result.status == 400, "\(bad)")
            #expect(result.headers["Content-Type"] == "application/problem+json")
        }
    }

    @Test func unknownPathsAreNotFoundProblems() async throws {
        let router = try self.router()

        for path in [
            "/nope", "/api", "/api/v1", "/api/v1/referrals/", "/api/v1/referrals//report",
            "/api/v1/referrals/x/y",
        ] {
            let result = await self.call(router, .get, path)
            #expect(result.status == 404, "\(path)")
            #expect(result.headers["Content-Type"] == "application/problem+json")
        }
        #expect(await self.call(router, .options, "*").status == 400)
    }

    @Test func otherMethodsGet405WithAllowAndOptionsGetsAllow() async throws {
        let router = try self.router()

        let deleted = await self.call(router, .delete, "/api/v1/referrals/R-7")
        #expect(deleted.status == 405)
        #expect(deleted.headers["Allow"] == "GET, HEAD, PATCH, OPTIONS")
        let problem =
            try JSONSerialization.jsonObject(with: Data(deleted.text.utf8)) as? [String: Any]
        #expect(problem?["status"] as? Int == 405)

        let custom = await self.call(router, HTTPMethod(rawValue: "PURGE"), "/api/v1/referrals")
        #expect(custom.status == 405)
        #expect(custom.headers["Allow"] == "GET, HEAD, POST, OPTIONS")

        let options = await self.call(router, .options, "/api/v1/referrals")
        #expect(options.status == 204)
        #expect(options.headers["Allow"] == "GET, HEAD, POST, OPTIONS")
    }

    @Test func responsesCarryTheRoutePatternForMetrics() async throws {
        let router = try self.router()

        let found = await router.respond(
            to: HTTPRequest(method: .get, path: "/api/v1/referrals/R-1"))
        let refused = await router.respond(
            to: HTTPRequest(method: .put, path: "/api/v1/referrals/R-1"))
        let missing = await router.respond(to: HTTPRequest(method: .get, path: "/nowhere"))

        #expect(found.route == "/api/v1/referrals/:id")
        #expect(refused.route == "/api/v1/referrals/:id")
        #expect(missing.route == nil)
    }

    @Test func headIsAnsweredByTheGetRoute() async throws {
        let router = try self.router()

        let head = await self.call(router, .head, "/api/v1/referrals/R-9")
        #expect(head.status == 200)
        #expect(head.text == "/api/v1/referrals/:id|id=R-9")
    }

    @Test func refusesBadPatternsDuplicatesAndConflictingParameterNames() throws {
        var router = try self.router()
        let bad = ["", "api", "/a//b", "/a/:", "/a/:b-c", "/a/*rest/b", "/a/"]
        for pattern in bad {
            #expect(throws: RouterError.self, "\(pattern)") { try router.add(.get, pattern, echo) }
        }

        do {
            try router.add(.get, "/api/v1/referrals/:id", echo)
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.code == .duplicateRoute)
        }
        do {
            try router.add(.delete, "/api/v1/referrals/:referral", echo)
            Issue.record("conflicting parameter accepted")
        } catch {
            #expect(error.code == .conflictingParameter)
        }
    }
}
