import Foundation

/// A sites file: CSV with a header row naming these columns, in any order:
///
///     ods_code,name,address,town,postcode,modalities,unit,unit_manager_name,
///     unit_manager_phone,unit_manager_email,procedures[,active]
///
/// `address` holds up to five lines separated by `|`; `modalities` Referrals.Modality values
/// separated by `|` (MRI|CT); `unit` static or mobile; `procedures` SNOMED CT concept ids
/// separated by `|`, or `all` for every active catalogue procedure of the site's
/// modalities; `active` yes or no (default yes).
public struct SiteFile: Sendable {
    public let entries: [SiteEntry]

    static let required = [
        "ods_code", "name", "address", "town", "postcode", "modalities", "unit",
        "unit_manager_name", "unit_manager_phone", "unit_manager_email", "procedures",
    ]

    /// Reads and checks the file at `path`; every problem found is reported at once.
    public static func load(path: String) throws(SiteImportError) -> SiteFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SiteImportError("\(path) cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiteImportError("\(path) is not UTF-8 text")
        }
        return try SiteFile(text: text)
    }

    public init(text: String) throws(SiteImportError) {
        let records: [CSVRecord]
        do {
            records = try CSVReader.records(text)
        } catch {
            let issues = error.issues.map { SiteImportError.Issue(line: $0.line, $0.message) }
            throw SiteImportError("the file is not CSV", issues: issues)
        }
        guard let header = records.first else {
            throw SiteImportError("the file is empty: it needs a header row")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = Self.required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw SiteImportError(
                "the header has no column \(missing.joined(separator: ", "))",
                issues: [.init(line: header.line, "expected \(Self.required + ["active"])")])
        }

        var entries: [SiteEntry] = []
        var issues: [SiteImportError.Issue] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            var reader = SiteRecordReader(record: record, names: names)
            if let entry = reader.entry() {
                if let first = seen[entry.odsCode] {
                    issues.append(
                        .init(
                            line: record.line,
                            "ods_code \(entry.odsCode) is already on line \(first)"))
                } else {
                    seen[entry.odsCode] = record.line
                    entries.append(entry)
                }
            }
            issues += reader.issues
        }
        guard issues.isEmpty else {
            throw SiteImportError("the sites file has errors; nothing was changed", issues: issues)
        }
        guard !entries.isEmpty else {
            throw SiteImportError("the sites file lists no site")
        }
        self.entries = entries
    }
}
