import Security
import Testing

/// Known-answer tests for SHA-256 (FIPS 180-2 examples) and HMAC-SHA256 (RFC 4231).
@Suite("Digests")
struct DigestTests {
    @Test("SHA-256 of the empty string and of \"abc\"")
    func sha256() throws {
        #expect(
            try SHA256.hex([UInt8]())
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            try SHA256.hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(
            try SHA256.hex(Array(twoBlocks.utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(try SHA256.hash("abc").count == 32)
    }

    @Test("HMAC-SHA256, RFC 4231 test cases 1, 2 and 6")
    func hmac() throws {
        let case1 = try HMACSHA256.authenticate(
            Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
        #expect(
            Hex.encode(case1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")

        let case2 = try HMACSHA256.authenticate(
            Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(
            Hex.encode(case2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")

        // A key longer than the block size is hashed first.
        let case6 = try HMACSHA256.authenticate(
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            key: [UInt8](repeating: 0xaa, count: 131))
        #expect(
            Hex.encode(case6) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }

    @Test("Base64 round trips in both alphabets and refuses non-canonical text")
    func base64() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, alphabet: .url), alphabet: .url) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8), padded: true) == "Zm8=")
        #expect(Base64.encode([0xfb, 0xff], alphabet: .url) == "-_8")
        #expect(Base64.decode("Zm9=") == nil)
        #expect(Base64.decode("Zm9vY") == nil)
        #expect(Base64.decode("Zm9vYR") == nil)
        #expect(Base64.decode("-_8") == nil)
    }
}
