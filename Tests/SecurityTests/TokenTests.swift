import Security
import Testing

@Suite("Random tokens and one-time codes")
struct TokenTests {
    @Test("session tokens are 43 Base64url characters of 32 random bytes, and distinct")
    func sessionTokens() throws {
        var seen = Set<String>()
        for _ in 0..<200 {
            let token = try SessionToken.generate()
            #expect(token.utf8.count == 43)
            #expect(Base64.decode(token, alphabet: .url)?.count == 32)
            #expect(SessionToken.isWellFormed(token))
            seen.insert(token)
        }
        #expect(seen.count == 200)
        #expect(!SessionToken.isWellFormed("short"))
        #expect(!SessionToken.isWellFormed(String(repeating: "+", count: 43)))
    }

    @Test("a token is stored as the SHA-256 of its text")
    func storageDigest() throws {
        let token = try SessionToken.generate()
        let digest = try SessionToken.storageDigest(of: token)
        #expect(digest.count == 32)
        #expect(digest == (try SHA256.hash(Array(token.utf8))))
        #expect(digest != (try SessionToken.storageDigest(of: try SessionToken.generate())))
    }

    @Test("one-time codes: 6 digits, leading zeros kept, every digit in every position")
    func oneTimeCodes() throws {
        let draws = 20_000
        var positionCounts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 6)
        var leadingZero = 0
        for _ in 0..<draws {
            let code = try OneTimeCode.generate()
            let digits = Array(code.utf8)
            #expect(digits.count == 6)
            #expect(digits.allSatisfy { (48...57).contains($0) })
            for (position, digit) in digits.enumerated() {
                positionCounts[position][Int(digit - 48)] += 1
            }
            if digits.first == 48 {
                leadingZero += 1
            }
        }

        // Each digit is expected 2,000 times per position; a fair generator lands within
        // ±15% with overwhelming probability (standard deviation about 42).
        for counts in positionCounts {
            for count in counts {
                #expect((1_700...2_300).contains(count))
            }
        }
        #expect((1_700...2_300).contains(leadingZero))
    }

    @Test("uniform draws stay in range and codes of other lengths are sized right")
    func uniform() throws {
        for _ in 0..<1_000 {
            #expect(try SecureRandom.uniform(below: 7) < 7)
        }
        #expect(try OneTimeCode.generate(digits: 8).count == 8)
        #expect(throws: SecurityError.self) { try OneTimeCode.generate(digits: 0) }
        #expect(try SecureRandom.bytes(0).isEmpty)
        #expect(try SecureRandom.bytes(64).count == 64)
    }

    @Test("one-time codes are stored under a key")
    func codeDigest() throws {
        let key = try SecureRandom.bytes(32)
        let first = try OneTimeCode.storageDigest(of: "012345", key: key)
        #expect(first == (try HMACSHA256.authenticate(Array("012345".utf8), key: key)))
        #expect(
            first != (try OneTimeCode.storageDigest(of: "012345", key: try SecureRandom.bytes(32))))
    }
}
