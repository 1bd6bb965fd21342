/// Numeric one-time codes sent to a clinician's work e-mail as the second sign-in factor.
public enum OneTimeCode {
    /// A code of `digits` decimal digits (6 by default), every value equally likely,
    /// leading zeros kept ("004217").
    public static func generate(digits: Int = 6) throws(SecurityError) -> String {
        guard (1...9).contains(digits) else {
            throw SecurityError(
                .invalidParameters, "a one-time code has 1 to 9 digits", context: "digits=\(digits)"
            )
        }

        var bound: UInt32 = 1
        for _ in 0..<digits {
            bound *= 10
        }
        let value = try SecureRandom.uniform(below: bound)

        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The digest to store a code by: HMAC-SHA256 under a server-side `key`. A plain hash
    /// of a 6-digit code is reversed by trying all million values, so the key is what
    /// protects a leaked table; the attempt limit is what protects the live code.
    public static func storageDigest(
        of code: String, key: [UInt8]
    ) throws(SecurityError) -> [UInt8] {
        try HMACSHA256.authenticate(Array(code.utf8), key: key)
    }
}
