/// Request ids: a client's `X-Request-ID` is kept when it is 1–128 characters of
/// `[A-Za-z0-9._:-]` (so it cannot inject anything into headers or log lines); otherwise a
/// random 128-bit id is made, written as 32 lowercase hex digits.
///
/// Each loop has its own generator (xoshiro256**, seeded from the system generator), so
/// making an id takes no lock and no system call. The ids are for correlation, not secrets.
struct RequestIDGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {
        var system = SystemRandomNumberGenerator()
        self.state = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    /// The id to use for a request that came with `offered` (or nil).
    mutating func id(offered: String?) -> String {
        if let offered, Self.isWellFormed(offered) {
            return offered
        }
        return self.generate()
    }

    mutating func generate() -> String {
        let high = self.nextWord()
        let low = self.nextWord()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let table = digits.utf8Start
            for index in 0..<16 {
                buffer[index] = table[Int((high >> UInt64(60 - index * 4)) & 0xF)]
                buffer[16 + index] = table[Int((low >> UInt64(60 - index * 4)) & 0xF)]
            }
            return 32
        }
    }

    static func isWellFormed(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    private mutating func nextWord() -> UInt64 {
        let result = (self.state.1 &* 5).rotatedLeft(7) &* 9
        let shifted = self.state.1 << 17
        self.state.2 ^= self.state.0
        self.state.3 ^= self.state.1
        self.state.1 ^= self.state.2
        self.state.0 ^= self.state.3
        self.state.2 ^= shifted
        self.state.3 = self.state.3.rotatedLeft(45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
