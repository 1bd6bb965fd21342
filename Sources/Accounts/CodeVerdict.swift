/// What a code tried against a sign-in challenge leads to: a plain decision from the
/// challenge's state, so that the rules (lifetime, single use, the try limit) are tested
/// without a database or a clock.
enum CodeVerdict: Equatable {
    /// The right code, in time, within the tries: start a session.
    case accept
    /// A wrong code: count the try; `remaining` more are allowed (none: the challenge is
    /// now spent).
    case wrong(remaining: Int)
    /// The challenge can take no code any more, right or wrong.
    case ended(reason: String)

    /// - Parameters:
    ///   - live: not used yet and not expired (and its user still active).
    ///   - attempts: wrong codes tried so far.
    ///   - limit: wrong codes allowed in all.
    ///   - matches: the code's digest equals the stored one.
    static func of(live: Bool, attempts: Int, limit: Int, matches: Bool) -> CodeVerdict {
        guard live else { return .ended(reason: "expired_or_used") }
        guard attempts < limit else { return .ended(reason: "out_of_attempts") }
        guard matches else { return .wrong(remaining: max(0, limit - attempts - 1)) }
        return .accept
    }
}
