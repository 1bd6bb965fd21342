/// The patients the benchmark refers, numbered by serial: serials below the pool size are
/// the tenant's existing patients, higher ones are new. Both sides derive a patient's NHS
/// number from its serial by the same rule (here in Swift, in `pgbenchExpressions` for
/// pgbench), so both refer the same mix of known and new patients.
enum PatientPool {
    /// The NHS number of serial `n`: nine digits `100000000 + 2n` and their Modulus 11 check
    /// digit. When the nine digits give the invalid check value 10, the odd neighbour
    /// (`+ 1`, never another serial's digits, and without a carry since the even base ends
    /// in 0-8) is used; its check digit is then always 8.
    static func nhsNumber(serial n: Int) -> String {
        let base = 100_000_000 + 2 * n
        var sum = 0
        var rest = base
        for weight in 2...10 {
            sum += (rest % 10) * weight
            rest /= 10
        }
        let check = (11 - sum % 11) % 11
        return String(check == 10 ? (base + 1) * 10 + 8 : base * 10 + check)
    }

    /// The same rule as pgbench meta-commands: reads `:n`, sets `:nhs`.
    static let pgbenchExpressions = """
        \\set b 100000000 + 2 * :n
        \\set s (:b / 100000000) * 10 + (:b / 10000000 % 10) * 9 + (:b / 1000000 % 10) * 8 \
        + (:b / 100000 % 10) * 7 + (:b / 10000 % 10) * 6 + (:b / 1000 % 10) * 5 \
        + (:b / 100 % 10) * 4 + (:b / 10 % 10) * 3 + (:b % 10) * 2
        \\set c (11 - :s % 11) % 11
        \\set nhs CASE WHEN :c = 10 THEN (:b + 1) * 10 + 8 ELSE :b * 10 + :c END
        """

    static let givenNames = ["Ann", "Ben", "Cara", "Dev", "Eve", "Finn", "Gita", "Hugo"]
    static let familyNames = ["Example", "Patel", "Jones", "Okafor", "Smith", "Nowak", "Khan"]

    /// What a referral states about patient `n`, and what the record of an existing patient
    /// holds, so that a referral for a known patient agrees with its record (no demographic
    /// review, no contact update: the common case).
    struct Demographics {
        let n: Int

        var givenName: String { PatientPool.givenNames[self.n % PatientPool.givenNames.count] }
        var familyName: String {
            PatientPool.familyNames[(self.n / 8) % PatientPool.familyNames.count]
        }
        var dateOfBirth: String {
            let year = 1940 + self.n % 60
            let month = 1 + (self.n / 60) % 12
            let day = 1 + (self.n / 720) % 28
            return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        }
        var statedGender: String { self.n % 2 == 0 ? "2" : "1" }
        var addressLine: String { "\(1 + self.n % 200) Harehills Lane" }
        static let town = "Leeds"
        static let postcode = "LS9 7TF"
        /// The mobile as a referrer types it, and as the record keeps it (E.164).
        var mobileTyped: String { "07700 900\(Self.threeDigits(self.n % 1000))" }
        var mobileStored: String { "+447700900\(Self.threeDigits(self.n % 1000))" }
        var email: String { "patient\(self.n)@example.org" }
        static let gpPractice = "B86001"

        private static func threeDigits(_ value: Int) -> String {
            value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
        }
    }
}
