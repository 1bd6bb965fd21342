import Foundation
import HTTP
import Testing

@Suite struct ProblemTests {
    private func object(_ problem: Problem) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(problem.body()))
        return try #require(parsed as? [String: Any])
    }

    @Test func rendersTheRFC9457MembersInOrder() {
        let problem = Problem(
            status: .conflict, detail: "Referral R-1 was already \"vetted\".",
            instance: "/api/v1/referrals/R-1")

        let text = String(decoding: problem.body(), as: UTF8.self)

        #expect(
            text == #"{"type":"about:blank","title":"Conflict","status":409,"#
                + #""detail":"Referral R-1 was already \"vetted\".","#
                + #""instance":"/api/v1/referrals/R-1"}"#)
    }

    @Test func leavesOutAbsentMembers() throws {
        let object = try self.object(.notFound())

        #expect(Set(object.keys) == ["type", "title", "status"])
        #expect(object["status"] as? Int == 404)
        #expect(object["title"] as? String == "Not Found")
    }

    @Test func validationListsFieldPointersAndMessages() throws {
        let problem = Problem.validation([
            .init(pointer: "/patient/nhsNumber", message: "must be 10 digits"),
            .init(pointer: "/examination", message: "is required"),
        ])

        let object = try self.object(problem)
        let errors = try #require(object["errors"] as? [[String: String]])

        #expect(problem.status.code == 422)
        #expect(
            errors == [
                ["field": "/patient/nhsNumber", "message": "must be 10 digits"],
                ["field": "/examination", "message": "is required"],
            ])
    }

    @Test func responseCarriesTheMediaTypeAndTheProblemsHeaders() {
        let response = Problem.methodNotAllowed(.delete, allowed: [.get, .head, .options])
            .response()

        #expect(response.status.code == 405)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
    }

    @Test func internalErrorsSayNothingAboutTheCause() throws {
        let object = try self.object(.internal())

        #expect(object["status"] as? Int == 500)
        #expect(object["detail"] == nil)
        #expect(object["errors"] == nil)
    }

    @Test func convenienceKindsUseTheirStatuses() {
        #expect(Problem.badRequest("x").status.code == 400)
        #expect(Problem.payloadTooLarge(limit: 1024).status.code == 413)
        #expect(
            Problem.unsupportedMediaType(expected: "application/json", got: "text/plain").status
                .code == 415)
        #expect(Problem.conflict("x").status.code == 409)
    }

    @Test func pointersEscapeTildeAndSlash() {
        #expect(Problem.FieldError.pointer([]) == "")
        #expect(Problem.FieldError.pointer(["patient", "nhsNumber"]) == "/patient/nhsNumber")
        #expect(Problem.FieldError.pointer(["a/b", "c~d", "0"]) == "/a~1b/c~0d/0")
    }
}
