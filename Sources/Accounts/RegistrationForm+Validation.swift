import Foundation

extension RegistrationForm {
    /// Checks every field and names each one at fault by its JSON pointer, in the same
    /// terms as the database's constraints, so that a valid form is never refused there.
    func validated() throws(AccountsError) -> ValidRegistration {
        var fields: [AccountsError.Field] = []

        let fullName = Self.text(self.fullName, "/fullName", max: 200, &fields)
        let jobTitle = Self.text(self.jobTitle, "/jobTitle", max: 200, &fields)
        let workAddress = Self.text(self.workAddress, "/workAddress", max: 1000, &fields)

        let email = self.workEmail?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if email.isEmpty {
            fields.append(.init("/workEmail", "is required"))
        } else if !Self.isEmailAddress(email) {
            fields.append(.init("/workEmail", "must be an e-mail address (name@example.nhs.uk)"))
        }

        let phones = (self.workPhones ?? []).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if !(1...4).contains(phones.count) {
            fields.append(.init("/workPhones", "must list 1 to 4 telephone numbers"))
        }
        for (index, phone) in phones.enumerated() where !Self.isPhoneNumber(phone) {
            fields.append(
                .init("/workPhones/\(index)", "must be a telephone number of 7 to 20 digits"))
        }

        let ods = self.organisation?.odsCode?.trimmingCharacters(in: .whitespaces).uppercased()
        if ods == nil || ods == "" {
            fields.append(.init("/organisation/odsCode", "is required"))
        } else if let ods, !Self.isODSCode(ods) {
            fields.append(
                .init("/organisation/odsCode", "must be an ODS code such as RJ1, RJ121 or A81001"))
        }
        let organisationName = self.organisation?.name?.trimmingCharacters(in: .whitespaces)
        if let organisationName, organisationName.isEmpty || organisationName.count > 200 {
            fields.append(.init("/organisation/name", "must be 1 to 200 characters"))
        }

        let role = self.role.flatMap(Role.init(rawValue:)).flatMap {
            Role.requestable.contains($0) ? $0 : nil
        }
        if role == nil {
            fields.append(.init("/role", "must be one of: referrer, delegate, viewer"))
        }
        let kind = self.delegateKind.flatMap(DelegateKind.init(rawValue:))
        if role == .delegate, kind == nil {
            fields.append(
                .init(
                    "/delegateKind",
                    "must be mdt_coordinator or clinical_nurse_specialist for a delegate"))
        } else if role != .delegate, self.delegateKind != nil {
            fields.append(.init("/delegateKind", "is only for the delegate role"))
        }

        guard fields.isEmpty, let role, let ods else { throw AccountsError.invalid(fields) }
        return ValidRegistration(
            fullName: fullName, jobTitle: jobTitle, workAddress: workAddress, workEmail: email,
            workPhones: phones, odsCode: ods, organisationName: organisationName, role: role,
            delegateKind: kind)
    }

    private static func text(
        _ value: String?, _ pointer: String, max: Int, _ fields: inout [AccountsError.Field]
    ) -> String {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            fields.append(.init(pointer, "is required"))
        } else if trimmed.count > max {
            fields.append(.init(pointer, "must be at most \(max) characters"))
        }
        return trimmed
    }

    /// One `@`, no spaces, a dot in the domain, at most 254 bytes (the column's rule).
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

    /// An optional `+`, a digit, then 6 to 19 digits or spaces.
    static func isPhoneNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" { rest = rest.dropFirst() }
        guard let first = rest.first, first.isASCII, first.isNumber else { return false }
        let tail = rest.dropFirst()
        return (6...19).contains(tail.count)
            && tail.allSatisfy { $0 == " " || ($0.isASCII && $0.isNumber) }
    }

    /// Three or five letters and digits, or a letter and five digits, with a letter.
    static func isODSCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard bytes.contains(where: isLetter) else { return false }
        if bytes.count == 3 || bytes.count == 5 {
            return bytes.allSatisfy { isLetter($0) || isDigit($0) }
        }
        return bytes.count == 6 && isLetter(bytes[0]) && bytes.dropFirst().allSatisfy(isDigit)
    }
}
