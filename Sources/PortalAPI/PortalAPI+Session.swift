import Accounts
import Foundation
import HTTP

/// Signing in and out, and the caller's own identity.
extension PortalAPI {
    static func sessionEndpoints(
        configuration: PortalConfiguration, accounts: Accounts
    ) -> [Endpoint] {
        let lifetime = Int(accounts.policy.sessionLifetime.components.seconds)
        return [
            Endpoint(
                method: .post, path: "/api/v1/sign-in", access: .anyone,
                operation: Operation(
                    id: "signIn", summary: "Check a password and e-mail a one-time code",
                    tag: "sessions", body: "SignInRequest", status: 202,
                    description: "Password accepted; a 6-digit code was e-mailed",
                    response: "Challenge", errors: [401, 429])
            ) { request throws(Problem) in
                let body = try request.body(SignInBody.self)
                let accepted = try await request.perform { () async throws(AccountsError) in
                    try await accounts.beginSignIn(
                        email: body.email ?? "", password: body.password ?? "",
                        tenant: request.tenant, origin: request.origin)
                }
                return JSONResponse.make(
                    ChallengeView(
                        challenge: accepted.challenge, expiresAt: accepted.expiresAt,
                        codeLength: 6),
                    status: .accepted)
            },
            Endpoint(
                method: .post, path: "/api/v1/sign-in/code", access: .anyone,
                operation: Operation(
                    id: "completeSignIn", summary: "Exchange the e-mailed code for a session",
                    tag: "sessions", body: "CodeRequest", status: 200,
                    description: "Signed in; the session cookie is set",
                    response: "Session",
                    responseHeaders: [
                        ("Set-Cookie", "The session cookie (HttpOnly, SameSite=Strict)")
                    ],
                    errors: [401, 429])
            ) { request throws(Problem) in
                let body = try request.body(CodeBody.self)
                let session = try await request.perform { () async throws(AccountsError) in
                    try await accounts.completeSignIn(
                        challenge: body.challenge ?? "", code: body.code ?? "",
                        tenant: request.tenant, origin: request.origin)
                }
                let cookie = Cookies.session(
                    session.token, maxAge: lifetime, configuration: configuration)
                return JSONResponse.make(
                    SessionView(
                        user: UserView(session.user), csrfToken: session.csrfToken,
                        expiresAt: session.user.absoluteExpiry),
                    headers: ["Set-Cookie": cookie])
            },
            Self.signOutEndpoint(
                everywhere: false, configuration: configuration, accounts: accounts),
            Self.signOutEndpoint(
                everywhere: true, configuration: configuration, accounts: accounts),
            Endpoint(
                method: .get, path: "/api/v1/me", access: .signedIn,
                operation: Operation(
                    id: "getMe",
                    summary: "Who is calling: the user (with the CSRF token) or client",
                    tag: "sessions", status: 200, description: "The caller", response: "Me")
            ) { request throws(Problem) in
                switch request.principal {
                case .user(let user):
                    let csrf = request.sessionToken.flatMap(Accounts.csrfToken(forSession:))
                    return JSONResponse.make(
                        MeView(
                            kind: "user", user: UserView(user), csrfToken: csrf,
                            sessionExpiresAt: user.absoluteExpiry))
                case .client(let client):
                    let view = ClientView(
                        tokenID: lowercased(client.tokenID), name: client.name,
                        scopes: client.scopes.map(\.rawValue))
                    return JSONResponse.make(MeView(kind: "client", client: view))
                case nil:
                    throw PortalProblem.unauthenticated
                }
            },
            Endpoint(
                method: .post, path: "/api/v1/set-password", access: .anyone,
                operation: Operation(
                    id: "setPassword", summary: "Set a password with an e-mailed link's token",
                    tag: "registration", body: "SetPasswordRequest", status: 204,
                    description: "Password set; sign in with it", errors: [410])
            ) { request throws(Problem) in
                let body = try request.body(SetPasswordBody.self)
                try await request.perform { () async throws(AccountsError) in
                    try await accounts.setPassword(
                        token: body.token ?? "", password: body.password ?? "",
                        tenant: request.tenant, origin: request.origin)
                }
                return HTTPResponse(status: .noContent)
            },
        ]
    }

    private static func signOutEndpoint(
        everywhere: Bool, configuration: PortalConfiguration, accounts: Accounts
    ) -> Endpoint {
        Endpoint(
            method: .post, path: everywhere ? "/api/v1/sign-out-everywhere" : "/api/v1/sign-out",
            access: .user(nil),
            operation: Operation(
                id: everywhere ? "signOutEverywhere" : "signOut",
                summary: everywhere
                    ? "End every session of the signed-in user" : "End this session",
                tag: "sessions", status: 200, description: "Signed out; the cookie is cleared",
                response: "SignedOut",
                responseHeaders: [("Set-Cookie", "Clears the session cookie")])
        ) { request throws(Problem) in
            let user = try request.requireUser()
            let ended = try await request.perform { () async throws(AccountsError) in
                try await accounts.signOut(
                    user, everywhere: everywhere, tenant: request.tenant, origin: request.origin)
            }
            return JSONResponse.make(
                SignedOutView(sessionsEnded: ended),
                headers: ["Set-Cookie": Cookies.cleared(configuration: configuration)])
        }
    }
}
