/// CSRF tokens bound to sessions. A session's CSRF token is derived from its cookie token
/// (a keyed digest), so any API node can hand it out again (GET /api/v1/me) without storing
/// it; the session row keeps its digest, which an unsafe request's `X-CSRF-Token` must match.
extension Accounts {
    /// The CSRF token of the session whose cookie token is `sessionToken`.
    /// Nil only when the digest cannot be computed (OpenSSL failed).
    public static func csrfToken(forSession sessionToken: String) -> String? {
        try? Secrets.csrfToken(forSession: sessionToken)
    }

    /// Whether `offered` is the CSRF token of the user's session, compared in constant time.
    public static func acceptsCSRFToken(_ offered: String?, for user: SignedInUser) -> Bool {
        guard let offered, !offered.isEmpty, offered.utf8.count <= 128 else { return false }
        guard let digest = try? Secrets.digest(offered) else { return false }
        return Secrets.equal(digest, user.csrfTokenHash)
    }
}
