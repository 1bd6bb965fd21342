import Security

/// The `Idempotency-Key` of a submission and the digest of its body. The key is the
/// client's: 1 to 255 visible ASCII characters (a UUID is the usual choice); it counts per
/// user, so two users cannot collide.
public struct IdempotencyKey: Sendable, Equatable {
    public let key: String
    /// SHA-256 of the request body: a retry must send the same bytes.
    public let requestHash: [UInt8]

    /// Checks the header and digests the body; `badKey` when the header is missing or
    /// malformed.
    public init(header: String?, body: [UInt8]) throws(ReferralsError) {
        guard let header, !header.isEmpty else {
            throw ReferralsError(
                .badKey,
                "Send an Idempotency-Key header (a new UUID per referral) so that a retry "
                    + "cannot create the referral twice.")
        }
        guard header.utf8.count <= 255, header.utf8.allSatisfy({ (0x21...0x7e).contains($0) })
        else {
            throw ReferralsError(
                .badKey, "The Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        self.key = header
        do {
            self.requestHash = try SHA256.hash(body)
        } catch {
            throw ReferralsError.unavailable(error)
        }
    }
}
