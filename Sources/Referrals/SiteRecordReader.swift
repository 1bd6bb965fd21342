import Foundation

/// Checks one record of a sites file, gathering every problem it has.
struct SiteRecordReader {
    let record: CSVRecord
    let names: [String]
    private(set) var issues: [SiteImportError.Issue] = []

    init(record: CSVRecord, names: [String]) {
        self.record = record
        self.names = names
    }

    private func value(_ column: String) -> String {
        guard let index = self.names.firstIndex(of: column), index < self.record.fields.count
        else { return "" }
        return self.record.fields[index].trimmingCharacters(in: .whitespaces)
    }

    private mutating func problem(_ column: String, _ message: String) {
        self.issues.append(.init(line: self.record.line, "\(column): \(message)"))
    }

    private mutating func text(_ column: String, limit: Int) -> String {
        let text = self.value(column)
        if text.isEmpty || text.count > limit {
            self.problem(column, "must be 1 to \(limit) characters")
        }
        return text
    }

    /// The entry, or nil when a field is wrong (the problems are in `issues`).
    mutating func entry() -> SiteEntry? {
        guard self.record.fields.count == self.names.count else {
            self.issues.append(
                .init(
                    line: self.record.line,
                    "has \(self.record.fields.count) fields but the header names "
                        + "\(self.names.count)"))
            return nil
        }

        let ods = self.value("ods_code")
        if ods.range(of: "^([A-Z0-9]{3}|[A-Z0-9]{5})$", options: .regularExpression) == nil
            || ods.range(of: "[A-Z]", options: .regularExpression) == nil
        {
            self.problem("ods_code", "\"\(ods.prefix(20))\" is not an ODS site code (NT401, RR8)")
        }
        let name = self.text("name", limit: 200)
        let address = self.value("address").split(separator: "|")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if !(1...5).contains(address.count) || address.contains(where: \.isEmpty) {
            self.problem("address", "must be 1 to 5 lines separated by |")
        }
        let town = self.text("town", limit: 100)
        let postcode = Postcode(self.value("postcode"))
        if postcode == nil {
            let text = self.value("postcode").prefix(20)
            self.problem("postcode", "\"\(text)\" is not a UK postcode")
        }

        var modalities: [Modality] = []
        for word in self.value("modalities").split(separator: "|") {
            let word = word.trimmingCharacters(in: .whitespaces)
            guard let modality = Modality(rawValue: word) else {
                let known = Modality.allCases.map(\.rawValue).joined(separator: ", ")
                self.problem("modalities", "\"\(word.prefix(20))\" is not one of \(known)")
                continue
            }
            if !modalities.contains(modality) { modalities.append(modality) }
        }
        if self.value("modalities").isEmpty { self.problem("modalities", "names none") }

        let unit = SiteEntry.Unit(rawValue: self.value("unit").lowercased())
        if unit == nil { self.problem("unit", "must be static or mobile") }
        let manager = self.text("unit_manager_name", limit: 200)
        let phone = self.value("unit_manager_phone")
        if phone.range(of: "^\\+?[0-9][0-9 ]{6,19}$", options: .regularExpression) == nil {
            self.problem("unit_manager_phone", "\"\(phone.prefix(30))\" is not a phone number")
        }
        let email = self.value("unit_manager_email")
        if email.count > 254
            || email.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) == nil
        {
            self.problem("unit_manager_email", "\"\(email.prefix(60))\" is not an e-mail address")
        }

        let offer = self.offer()
        var active = true
        switch self.value("active").lowercased() {
        case "", "yes": active = true
        case "no": active = false
        default: self.problem("active", "must be yes or no")
        }

        guard self.issues.isEmpty, let postcode, let unit, let offer else { return nil }
        return SiteEntry(
            line: self.record.line, odsCode: ods, name: name, addressLines: address, town: town,
            postcode: postcode, modalities: modalities.sorted(), unit: unit,
            managerName: manager, managerPhone: phone, managerEmail: email, offer: offer,
            active: active)
    }

    private mutating func offer() -> SiteEntry.Offer? {
        let text = self.value("procedures")
        if text.lowercased() == "all" { return .all }
        let ids = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !ids.isEmpty else {
            self.problem("procedures", "names none: list SNOMED CT ids separated by |, or all")
            return nil
        }
        for id in ids where id.range(of: "^[1-9][0-9]{5,17}$", options: .regularExpression) == nil {
            self.problem("procedures", "\"\(id.prefix(20))\" is not a SNOMED CT concept id")
        }
        return .procedures(ids)
    }
}
