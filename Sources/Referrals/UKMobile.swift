/// UK mobile numbers: 07 then nine digits, written in any of the usual ways (spaces,
/// hyphens, brackets, +44 or 0044 in place of the 0). The mobile ranges are 071-075 and
/// 077-079, and 07624 (Isle of Man); 070 (personal numbers) and 076 (pagers) are not
/// mobiles, so a text message would not reach them.
enum UKMobile {
    /// The number in E.164 (`+447700900123`), or nil when it is not a UK mobile.
    static func normalised(_ text: String) -> String? {
        var characters = Substring(text.filter { !" -().".contains($0) })
        if characters.hasPrefix("+44") {
            characters = "0" + characters.dropFirst(3)
        } else if characters.hasPrefix("0044") {
            characters = "0" + characters.dropFirst(4)
        }
        let digits = Array(characters.utf8)
        guard digits.count == 11, digits.allSatisfy({ (48...57).contains($0) }),
            digits[0] == UInt8(ascii: "0"), digits[1] == UInt8(ascii: "7")
        else {
            return nil
        }
        let range = digits[2]
        let isMobile =
            [
                UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"),
                UInt8(ascii: "5"), UInt8(ascii: "7"), UInt8(ascii: "8"), UInt8(ascii: "9"),
            ]
            .contains(range) || characters.hasPrefix("07624")
        guard isMobile else { return nil }
        return "+44" + String(characters.dropFirst())
    }
}
