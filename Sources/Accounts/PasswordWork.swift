import Security

/// Password hashing away from the event loops: scrypt takes tens of milliseconds of CPU
/// and memory by design, which would stall every other connection of a loop, so it runs on
/// Security's hashing threads (one per processor, so at most that many at once) while the
/// request's task waits.
struct PasswordWork: Sendable {
    /// The outcome of checking a password.
    struct Check: Sendable {
        let accepted: Bool
        /// The stored hash was made with other parameters than the current ones.
        let needsRehash: Bool
    }

    let hasher: PasswordHasher

    /// Checks `password` against `stored`; with no stored hash (no such account) does the
    /// same work against a dummy hash and refuses, so both take as long.
    func verify(_ password: String, against stored: String?) async -> Check {
        guard let stored else {
            _ = try? await self.hasher.verifyUnknownUserInBackground(password)
            return Check(accepted: false, needsRehash: false)
        }
        let accepted =
            (try? await self.hasher.verifyInBackground(password, against: stored))
            ?? false
        return Check(accepted: accepted, needsRehash: accepted && self.hasher.needsRehash(stored))
    }

    /// The hash to store for `password` (the policy is checked first).
    func hash(_ password: String) async throws(SecurityError) -> String {
        try await self.hasher.hashInBackground(password)
    }
}
