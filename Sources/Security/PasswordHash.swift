/// A stored password hash in one self-describing string:
/// `$scrypt$ln=15,r=8,p=1$<salt>$<key>`, salt and key in unpadded standard Base64.
public struct PasswordHash: Sendable, Hashable {
    public let parameters: ScryptParameters
    public let salt: [UInt8]
    public let key: [UInt8]

    public init(parameters: ScryptParameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    /// Parses a stored string. Anything not produced by `encoded` (wrong scheme, missing or
    /// repeated fields, values out of range, bad Base64) throws `malformedHash`.
    public init(parsing stored: String) throws(SecurityError) {
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard stored.utf8.count <= 512, fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt"
        else {
            throw Self.malformed("expected $scrypt$ln=..,r=..,p=..$salt$key")
        }

        var values: [String: Int] = [:]
        for pair in fields[2].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, ["ln", "r", "p"].contains(parts[0]),
                values[String(parts[0])] == nil,
                let value = Self.decimal(parts[1])
            else {
                throw Self.malformed("bad parameter '\(pair.prefix(20))'")
            }
            values[String(parts[0])] = value
        }
        guard let logN = values["ln"], let blockSize = values["r"], let parallelism = values["p"]
        else {
            throw Self.malformed("ln, r and p are all required")
        }

        guard let salt = Base64.decode(String(fields[3])),
            let key = Base64.decode(String(fields[4]))
        else {
            throw Self.malformed("salt or key is not unpadded Base64")
        }

        let parameters = ScryptParameters(
            logN: logN, blockSize: blockSize, parallelism: parallelism, saltLength: salt.count,
            keyLength: key.count)
        do {
            try parameters.validate()
        } catch {
            throw Self.malformed(error.message + " " + error.context)
        }
        self.init(parameters: parameters, salt: salt, key: key)
    }

    /// The string to store.
    public var encoded: String {
        "$scrypt$\(self.parameters)$\(Base64.encode(self.salt))$\(Base64.encode(self.key))"
    }

    /// Plain decimal without sign or leading zeros, at most 4 digits.
    private static func decimal(_ text: Substring) -> Int? {
        guard (1...4).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }),
            text == "0" || !text.hasPrefix("0")
        else { return nil }
        return Int(text)
    }

    private static func malformed(_ message: String) -> SecurityError {
        SecurityError(
            .malformedHash, "stored password hash is malformed: \(message)",
            context: "password_hash")
    }
}
