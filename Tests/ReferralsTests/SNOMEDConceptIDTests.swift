import Testing

@testable import Referrals

@Suite struct SNOMEDConceptIDTests {
    @Test("real concept ids pass, including a long extension id")
    func valid() {
        for text in ["241641004", "762008", "427031000119100", "450436003"] {
            #expect(SNOMEDConceptID(text)?.value == text)
        }
    }

    @Test("a wrong check digit, transposed digits, bad length or shape are refused")
    func invalid() {
        for text in [
            "241641005", "214641004", "12345", "1234567890123456789", "0241641004", "24164100x",
            "", " 241641004",
        ] {
            #expect(SNOMEDConceptID(text) == nil, "\(text)")
        }
    }

    @Test("the check digit computed for an id's stem is its last digit")
    func checkDigit() {
        let stem = "24164100".map { Int(String($0))! }
        #expect(SNOMEDConceptID.checkDigit(for: stem) == 4)
        #expect(SNOMEDConceptID(stem: "24164100")?.value == "241641004")
        #expect(SNOMEDConceptID(stem: "0241") == nil && SNOMEDConceptID(stem: "2416x") == nil)
    }
}
