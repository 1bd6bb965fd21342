import Dispatch
import Security

/// Password hashing away from the event loops: scrypt takes tens of milliseconds of CPU
/// and memory by design, which would stall every other connection of a loop, so it runs on
/// a global queue while the request's task waits.
///
/// Shortcoming: the global queue does not bound how many hashes (32 MiB each) run at
/// once; Security's `verifyInBackground` does, and should replace this once a hang seen
/// in one test run with it (19:36, not reproduced since) is understood.
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
        let hasher = self.hasher
        return await Self.offLoop {
            guard let stored else {
                _ = try? hasher.verifyUnknownUser(password)
                return Check(accepted: false, needsRehash: false)
            }
            let accepted = (try? hasher.verify(password, against: stored)) ?? false
            return Check(accepted: accepted, needsRehash: accepted && hasher.needsRehash(stored))
        }
    }

    /// The hash to store for `password` (the policy is checked first).
    func hash(_ password: String) async throws(SecurityError) -> String {
        let hasher = self.hasher
        let result: Result<String, SecurityError> = await Self.offLoop {
            do throws(SecurityError) {
                return .success(try hasher.hash(password))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func offLoop<Value: Sendable>(
        _ work: @escaping @Sendable () -> Value
    ) async -> Value {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: work())
            }
        }
    }
}
