import Security
import Testing

@Suite("Password hashing")
struct PasswordHasherTests {
    /// Cheap parameters so the tests stay fast; the format and logic are the same.
    let hasher = PasswordHasher(
        parameters: ScryptParameters(logN: 10, blockSize: 8, parallelism: 1))

    @Test("a hash verifies its own password and no other")
    func verifyGoodAndBad() throws {
        let stored = try self.hasher.hash("correct horse battery")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try self.hasher.verify("correct horse battery", against: stored))
        #expect(try !self.hasher.verify("correct horse batterY", against: stored))
        #expect(try !self.hasher.verify("", against: stored))
        #expect(try self.hasher.hash("correct horse battery") != stored)
    }

    @Test("the stored string round-trips and carries its parameters")
    func format() throws {
        let stored = try self.hasher.hash("correct horse battery")
        let parsed = try PasswordHash(parsing: stored)
        #expect(parsed.parameters == ScryptParameters(logN: 10, blockSize: 8, parallelism: 1))
        #expect(parsed.salt.count == 16)
        #expect(parsed.key.count == 32)
        #expect(parsed.encoded == stored)
    }

    @Test("passwords are compared after NFC normalisation")
    func normalisation() throws {
        let composed = "caf\u{E9} au lait, bitte"
        let decomposed = "cafe\u{301} au lait, bitte"
        let stored = try self.hasher.hash(composed)
        #expect(try self.hasher.verify(decomposed, against: stored))
    }

    @Test(
        "malformed stored strings are a typed error, never a crash",
        arguments: [
            "", "$", "plain", "$scrypt$",
            "$bcrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=20,r=32,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=-1,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=010,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$A!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
            "$scrypt$ln=١٠,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ])
    func malformed(stored: String) {
        #expect {
            _ = try self.hasher.verify("correct horse battery", against: stored)
        } throws: { error in
            (error as? SecurityError)?.code == .malformedHash
        }
        #expect(self.hasher.needsRehash(stored))
    }

    @Test("a hash with other parameters still verifies and asks for a rehash")
    func rehash() throws {
        let older = PasswordHasher(
            parameters: ScryptParameters(logN: 9, blockSize: 8, parallelism: 1))
        let stored = try older.hash("correct horse battery")
        #expect(try self.hasher.verify("correct horse battery", against: stored))
        #expect(self.hasher.needsRehash(stored))
        #expect(!older.needsRehash(stored))
        #expect(!self.hasher.needsRehash(try self.hasher.hash("correct horse battery")))
    }

    @Test("an unknown user never verifies")
    func unknownUser() throws {
        #expect(try !self.hasher.verifyUnknownUser("correct horse battery"))
        #expect(try !self.hasher.verifyUnknownUser(String(repeating: "x", count: 5_000)))
    }

    @Test(
        "the policy refuses short, long, blank and control-character passwords",
        arguments: [
            ("short one", SecurityError.Code.passwordTooShort),
            ("ééééééééééé", .passwordTooShort),
            (String(repeating: "a", count: 1_025), .passwordTooLong),
            (String(repeating: " ", count: 20), .passwordBlank),
            ("\u{3000}\u{00A0}            ", .passwordBlank),
            ("twelve chars\n more", .passwordControlCharacter),
            ("twelve chars\u{0} more", .passwordControlCharacter),
        ])
    func policy(password: String, code: SecurityError.Code) {
        #expect {
            _ = try self.hasher.hash(password)
        } throws: { error in
            (error as? SecurityError)?.code == code
        }
    }

    @Test("twelve characters suffice however many bytes they take")
    func characterCount() throws {
        try PasswordPolicy.standard.validate("éééééééééééé")
        try PasswordPolicy.standard.validate("🩻🩻🩻🩻🩻🩻🩻🩻🩻🩻🩻🩻")
        try PasswordPolicy.standard.validate(String(repeating: "a", count: 1_024))
    }
}
