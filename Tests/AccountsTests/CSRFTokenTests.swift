import Foundation
import Security
import Testing

@testable import Accounts

@Suite("CSRF tokens")
struct CSRFTokenTests {
    static func user(csrfHash: [UInt8]) -> SignedInUser {
        SignedInUser(
            userID: UUID(), sessionID: UUID(), fullName: "A", email: "a@b.test", jobTitle: "T",
            organisationID: UUID(), roles: [.referrer], absoluteExpiry: Date(),
            csrfTokenHash: csrfHash)
    }

    @Test("a session's CSRF token is derived from its token, and only it is accepted")
    func boundToSession() throws {
        let session = try SessionToken.generate()
        let other = try SessionToken.generate()
        let token = try #require(Accounts.csrfToken(forSession: session))
        #expect(Accounts.csrfToken(forSession: session) == token)
        #expect(Accounts.csrfToken(forSession: other) != token)

        let user = Self.user(csrfHash: try SessionToken.storageDigest(of: token))
        #expect(Accounts.acceptsCSRFToken(token, for: user))
        #expect(!Accounts.acceptsCSRFToken(Accounts.csrfToken(forSession: other), for: user))
        #expect(!Accounts.acceptsCSRFToken(nil, for: user))
        #expect(!Accounts.acceptsCSRFToken("", for: user))
        #expect(!Accounts.acceptsCSRFToken(String(repeating: "a", count: 200), for: user))
    }
}
