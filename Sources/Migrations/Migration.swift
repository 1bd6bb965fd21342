/// One migration file: its version, name, SQL text and SHA-256 checksum.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with; migrations apply in this order.
    public let version: Int
    /// The part of the file name between the number and `.sql`.
    public let name: String
    /// The file's name (`0001_roles.sql`).
    public let fileName: String
    /// The file's text, run as one script inside the migration's transaction.
    public let sql: String
    /// Lower-case hex SHA-256 of the file's bytes, recorded when applied.
    public let checksum: String

    public init(version: Int, name: String, fileName: String, sql: String, checksum: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        self.checksum = checksum
    }

    /// The file name for a version and name: `0001_roles.sql`.
    public static func fileName(version: Int, name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_\(name).sql"
    }

    /// Reads `NNNN_name.sql` (exactly four digits, `_`, then lower-case letters, digits and
    /// `_`), returning the version and name, or nil for any other shape.
    public static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }

        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let version = Int(digits), version > 0
        else {
            return nil
        }
        let allowed = name.allSatisfy { character in
            character == "_" || (character.isASCII && (character.isLowercase || character.isNumber))
        }
        guard !name.isEmpty, allowed, name.first != "_" else { return nil }
        return (version, String(name))
    }
}
