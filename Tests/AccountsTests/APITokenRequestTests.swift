import Testing

@testable import Accounts

@Suite("API token requests")
struct APITokenRequestTests {
    @Test("name, scopes and lifetime are checked, every bad field named")
    func validation() throws {
        let good = try APITokenRequest(
            name: " Commissioner reports ", scopes: ["activity:read", "activity:read"],
            expiresInDays: 90
        ).validated()
        #expect(good.name == "Commissioner reports")
        #expect(good.scopes == [.activityRead])
        #expect(good.days == 90)

        let bad = #expect(throws: AccountsError.self) {
            try APITokenRequest(name: "", scopes: ["activity:read", "root"], expiresInDays: 0)
                .validated()
        }
        #expect(bad?.fields.map(\.pointer) == ["/name", "/scopes/1", "/expiresInDays"])

        let none = #expect(throws: AccountsError.self) {
            try APITokenRequest(name: "x", scopes: []).validated()
        }
        #expect(none?.fields.map(\.pointer) == ["/scopes"])
    }
}
