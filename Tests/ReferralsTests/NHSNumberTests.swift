import Testing

@testable import Referrals

@Suite struct NHSNumberTests {
    @Test("valid numbers, plain or in 3-3-4 groups, keep their ten digits")
    func valid() {
        let cases = [
            ("9434765919", "9434765919"), ("943 476 5919", "9434765919"),
            ("943-476-5919", "9434765919"), (" 401 023 2137 ", "4010232137"),
            // 11 minus the remainder is 11: the check digit is 0.
            ("9434765080", "9434765080"), ("485 777 3090", "4857773090"),
        ]
        for (text, digits) in cases {
            #expect(NHSNumber(text)?.digits == digits, "\(text)")
            #expect(NHSNumber.fault(of: text) == nil, "\(text)")
        }
        #expect(NHSNumber("9434765919")?.formatted == "943 476 5919")
    }

    @Test("a wrong check digit is refused")
    func wrongCheckDigit() {
        for text in ["9434765918", "943 476 5910", "4010232138", "9434765081"] {
            #expect(NHSNumber(text) == nil, "\(text)")
            #expect(NHSNumber.fault(of: text) == .wrongCheckDigit, "\(text)")
        }
    }

    @Test("first nine digits whose check value is 10 never make a number")
    func checkValueTen() {
        for last in 0...9 {
            let text = "123456789\(last)"
            #expect(NHSNumber(text) == nil, "\(text)")
            #expect(NHSNumber.fault(of: text) == .checkValueTen, "\(text)")
        }
    }

    @Test("anything but ten digits in 3-3-4 groups is refused by shape")
    func shapes() {
        for text in [
            "", "943476591", "94347659190", "943 476 591", "9434 765 919", "943-476 5919",
            "943.476.5919", "94347659I9", "９４３４７６５９１９", "943  476 5919",
            "+9434765919",
        ] {
            #expect(NHSNumber.fault(of: text) == .shape, "\(text)")
        }
    }
}

@Suite struct CalendarDateTests {
    @Test("ISO dates parse only when the day exists")
    func parsing() {
        #expect(CalendarDate(iso: "2024-02-29")?.iso == "2024-02-29")
        #expect(CalendarDate(iso: "2000-02-29") != nil)
        for text in [
            "2023-02-29", "1900-02-29", "2024-13-01", "2024-04-31", "2024-4-01", "", "24-04-01",
            "2024/04/01",
            "2024-04-0a",
        ] {
            #expect(CalendarDate(iso: text) == nil, "\(text)")
        }
    }

    @Test("day numbers and ages")
    func arithmetic() throws {
        let epoch = try #require(CalendarDate(iso: "1970-01-01"))
        let later = try #require(CalendarDate(iso: "2000-03-01"))
        #expect(epoch.dayNumber == 0)
        #expect(later.dayNumber == 11_017)
        #expect(later.days(since: epoch) == 11_017)
        let birth = try #require(CalendarDate(iso: "1990-06-15"))
        #expect(try #require(CalendarDate(iso: "2020-06-14")).years(since: birth) == 29)
        #expect(try #require(CalendarDate(iso: "2020-06-15")).years(since: birth) == 30)
    }
}

@Suite struct UKMobileTests {
    @Test("UK mobiles in the usual spellings come out in E.164")
    func mobiles() {
        for text in [
            "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123",
            "(07700) 900-123", "07123 456789", "07976 123456",
        ] {
            #expect(UKMobile.normalised(text)?.hasPrefix("+447") == true, "\(text)")
        }
        #expect(UKMobile.normalised("07700 900123") == "+447700900123")
        #expect(UKMobile.normalised("07624 123456") == "+447624123456")
    }

    @Test("landlines, pagers, personal numbers and wrong lengths are refused")
    func notMobiles() {
        for text in [
            "020 7946 0000", "0113 496 0000", "07000 123456", "07600 123456", "0770090012",
            "077009001234", "+33 6 12 34 56 78", "7700 900123", "07700 9OO123", "",
        ] {
            #expect(UKMobile.normalised(text) == nil, "\(text)")
        }
    }
}
