import Security
import Testing

/// Known answers from RFC 7914 section 12.
@Suite("scrypt")
struct ScryptTests {
    @Test("RFC 7914 test vectors 1 to 3")
    func vectors() throws {
        let empty = try Scrypt.derive(
            password: [], salt: [], logN: 4, blockSize: 1, parallelism: 1, length: 64)
        #expect(
            Hex.encode(empty)
                == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")

        let nacl = try Scrypt.derive(
            password: Array("password".utf8), salt: Array("NaCl".utf8), logN: 10, blockSize: 8,
            parallelism: 16, length: 64)
        #expect(
            Hex.encode(nacl)
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")

        let sodium = try Scrypt.derive(
            password: Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), logN: 14,
            blockSize: 8, parallelism: 1, length: 64)
        #expect(
            Hex.encode(sodium)
                == "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")
    }

    @Test("nonsensical parameters are a typed error")
    func badParameters() {
        #expect(throws: SecurityError.self) {
            try Scrypt.derive(
                password: [], salt: [], logN: 0, blockSize: 1, parallelism: 1, length: 32)
        }
        #expect(throws: SecurityError.self) {
            try Scrypt.derive(
                password: [], salt: [], logN: 4, blockSize: 0, parallelism: 1, length: 32)
        }
    }
}
