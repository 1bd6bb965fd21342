import Foundation

extension PatientForm {
    /// Checks every field of the patient, naming each one at fault under `/patient`.
    /// `postcodeKnown` says whether the postcode table has the postcode.
    func validated(
        _ checks: inout FieldChecks, today: CalendarDate, postcodeKnown: Bool
    ) -> ValidPatient? {
        let start = checks.fields.count
        let nhsNumber = Self.nhsNumber(self.nhsNumber, &checks)
        let givenName = Self.name(self.givenName, "/patient/givenName", &checks)
        let familyName = Self.name(self.familyName, "/patient/familyName", &checks)
        let birth = Self.dateOfBirth(self.dateOfBirth, today: today, &checks)
        let gender = checks.choice(self.statedGender, StatedGender.self, "/patient/statedGender")
        var sex: PhenotypicSex?
        if self.phenotypicSex != nil {
            sex = checks.choice(self.phenotypicSex, PhenotypicSex.self, "/patient/phenotypicSex")
        }
        let address = self.address.flatMap {
            Self.address($0, postcodeKnown: postcodeKnown, &checks)
        }
        if self.address == nil { checks.fail("/patient/address", "is required") }
        let mobile = Self.mobile(self.mobile, &checks)
        let email = Self.email(self.email, &checks)
        let practice = Self.gpPractice(self.gpPractice, &checks)

        guard checks.fields.count == start, let nhsNumber, let givenName, let familyName,
            let birth, let gender, let address, let practice
        else {
            return nil
        }
        return ValidPatient(
            nhsNumber: nhsNumber, givenName: givenName, familyName: familyName,
            dateOfBirth: birth, statedGender: gender, phenotypicSex: sex,
            addressLines: address.lines, town: address.town, postcode: address.postcode,
            mobile: mobile, email: email, gpPractice: practice)
    }

    private static func nhsNumber(_ text: String?, _ checks: inout FieldChecks) -> NHSNumber? {
        let pointer = "/patient/nhsNumber"
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            checks.fail(pointer, "is required")
            return nil
        }
        switch NHSNumber.fault(of: text) {
        case nil:
            return NHSNumber(text)
        case .shape:
            checks.fail(pointer, "must be 10 digits, optionally grouped 3-3-4 by spaces or hyphens")
        case .checkValueTen:
            checks.fail(pointer, "is not a valid NHS number (no number has this check value: 10)")
        case .wrongCheckDigit:
            checks.fail(pointer, "is not a valid NHS number (the check digit is wrong)")
        }
        return nil
    }

    /// Letters of any script, spaces, hyphens, apostrophes and full stops, 1 to 100.
    static func name(_ text: String?, _ pointer: String, _ checks: inout FieldChecks) -> String? {
        guard let name = checks.text(text, pointer, max: 100) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
                || " -'.\u{2019}".unicodeScalars.contains(scalar)
        }
        guard allowed, name.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else {
            checks.fail(pointer, "must be letters, with spaces, hyphens or apostrophes only")
            return nil
        }
        return name
    }

    private static func dateOfBirth(
        _ text: String?, today: CalendarDate, _ checks: inout FieldChecks
    ) -> CalendarDate? {
        let pointer = "/patient/dateOfBirth"
        guard let text else {
            checks.fail(pointer, "is required")
            return nil
        }
        guard let date = CalendarDate(iso: text) else {
            checks.fail(pointer, "must be a date written YYYY-MM-DD")
            return nil
        }
        guard date < today else {
            checks.fail(pointer, "must be in the past")
            return nil
        }
        guard today.years(since: date) <= 130 else {
            checks.fail(pointer, "gives an age over 130 years")
            return nil
        }
        return date
    }

    private static func address(
        _ form: AddressForm, postcodeKnown: Bool, _ checks: inout FieldChecks
    ) -> (lines: [String], town: String, postcode: Postcode)? {
        let start = checks.fields.count
        let lines = (form.lines ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if !(1...4).contains(lines.count) {
            checks.fail("/patient/address/lines", "must list 1 to 4 address lines")
        }
        for (index, line) in lines.enumerated() where line.isEmpty || line.count > 100 {
            checks.fail("/patient/address/lines/\(index)", "must be 1 to 100 characters")
        }
        let town = checks.text(form.town, "/patient/address/town", max: 100)

        var postcode: Postcode?
        let pointer = "/patient/address/postcode"
        if let text = form.postcode, !text.isEmpty {
            postcode = Postcode(text)
            if postcode == nil {
                checks.fail(pointer, "must be a UK postcode such as SW1A 1AA")
            } else if !postcodeKnown {
                checks.fail(pointer, "is not a known UK postcode")
            }
        } else {
            checks.fail(pointer, "is required")
        }
        guard checks.fields.count == start, let town, let postcode else { return nil }
        return (lines, town, postcode)
    }

    /// A UK mobile number in E.164 (`+447700900123`); nil and no fault when left out.
    private static func mobile(_ text: String?, _ checks: inout FieldChecks) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let number = UKMobile.normalised(text) else {
            checks.fail(
                "/patient/mobile",
                "must be a UK mobile number such as 07700 900123 or +44 7700 900123")
            return nil
        }
        return number
    }

    private static func email(_ text: String?, _ checks: inout FieldChecks) -> String? {
        let trimmed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !trimmed.isEmpty else { return nil }
        guard Self.isEmailAddress(trimmed) else {
            checks.fail("/patient/email", "must be an e-mail address (name@example.com)")
            return nil
        }
        return trimmed
    }

    /// One `@`, no spaces, a dot inside the domain, at most 254 bytes.
    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex,
            domain.index(after: dot) != domain.endIndex
        else {
            return false
        }
        return !text.contains { $0.isWhitespace }
    }

    /// A GP practice's ODS code: a letter and five digits.
    private static func gpPractice(_ text: String?, _ checks: inout FieldChecks) -> String? {
        let pointer = "/patient/gpPractice"
        let code = text?.trimmingCharacters(in: .whitespaces).uppercased() ?? ""
        guard !code.isEmpty else {
            checks.fail(pointer, "is required")
            return nil
        }
        let bytes = Array(code.utf8)
        let shaped =
            bytes.count == 6 && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0])
            && bytes.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard shaped else {
            checks.fail(
                pointer, "must be a GP practice's ODS code: a letter and five digits (A81001)")
            return nil
        }
        return code
    }
}
