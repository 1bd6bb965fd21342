import Foundation

/// A procedure catalogue read from CSV and checked, record by record.
///
/// Columns, by header name in any order: `nicip_codes` (pipe-separated), `snomed_ct_id`,
/// `snomed_display`, `modality`, `body_site`, `contrast`, `nicip_snomed_pairing_source`,
/// `display_source`, `confidence`; optional `synonyms` and `safety_questions`
/// (pipe-separated) and `pairing_derived` (`true` or `false`, default `true`: the
/// NICIP-to-SNOMED CT pairings of the files this reads are derived unless said otherwise).
/// Every problem is collected with its line, so one pass over a bad file lists them all.
public struct ProcedureCatalogueFile: Sendable {
    /// The procedures, in file order.
    public let entries: [ProcedureEntry]

    /// Larger files are refused before reading.
    public static let maximumBytes = 32 << 20
    /// More records than this are refused.
    public static let maximumRecords = 100_000
    /// At most this many problems are listed; the rest are counted.
    static let maximumIssues = 200

    static let requiredColumns = [
        "nicip_codes", "snomed_ct_id", "snomed_display", "modality", "body_site", "contrast",
        "nicip_snomed_pairing_source", "display_source", "confidence",
    ]
    static let optionalColumns = ["synonyms", "safety_questions", "pairing_derived"]

    /// Reads and checks the file at `path`.
    public static func load(
        path: String
    ) throws(ProcedureCatalogueError) -> ProcedureCatalogueFile {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            guard size <= Self.maximumBytes else {
                throw ProcedureCatalogueError.file(
                    line: 1, "the file has \(size) bytes; at most \(Self.maximumBytes) are read")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ProcedureCatalogueError {
            throw error
        } catch {
            throw ProcedureCatalogueError(
                .invalidFile, "could not read \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProcedureCatalogueError.file(line: 1, "the file is not UTF-8 text")
        }
        return try ProcedureCatalogueFile(csv: text)
    }

    /// Checks CSV text; throws `invalidFile` listing every problem found.
    public init(csv text: String) throws(ProcedureCatalogueError) {
        let records = try CSVReader.records(text)
        guard let header = records.first else {
            throw ProcedureCatalogueError.file(line: 1, "the file is empty")
        }
        guard records.count - 1 <= Self.maximumRecords else {
            throw ProcedureCatalogueError.file(
                line: 1,
                "the file has \(records.count - 1) records; at most "
                    + "\(Self.maximumRecords) are accepted")
        }

        var issues: [ProcedureCatalogueError.Issue] = []
        let columns = try Self.columns(of: header)
        var parser = RecordParser(columns: columns)
        var entries: [ProcedureEntry] = []
        for record in records.dropFirst() {
            if let entry = parser.parse(record) {
                entries.append(entry)
            }
        }
        issues += parser.issues
        if records.count == 1 {
            issues.append(.init(line: 1, column: nil, message: "the file has no procedures"))
        }

        guard issues.isEmpty else {
            let total = issues.count
            var listed = Array(issues.prefix(Self.maximumIssues))
            if total > listed.count {
                listed.append(
                    .init(
                        line: listed.last!.line, column: nil,
                        message: "and \(total - listed.count) more problem(s)"))
            }
            throw ProcedureCatalogueError(
                .invalidFile, "the catalogue file is refused: \(total) problem(s)",
                issues: listed)
        }
        self.entries = entries
    }

    /// Maps header names to positions; unknown, missing and repeated columns are refused.
    private static func columns(
        of header: CSVRecord
    ) throws(ProcedureCatalogueError) -> [String: Int] {
        var columns: [String: Int] = [:]
        var problems: [String] = []
        for (position, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if !(Self.requiredColumns + Self.optionalColumns).contains(name) {
                problems.append("unknown column \"\(name.prefix(60))\"")
            } else if columns[name] != nil {
                problems.append("column \"\(name)\" appears twice")
            } else {
                columns[name] = position
            }
        }
        for name in Self.requiredColumns where columns[name] == nil {
            problems.append("missing column \"\(name)\"")
        }
        guard problems.isEmpty else {
            throw ProcedureCatalogueError(
                .invalidFile, "the catalogue file's header is refused",
                issues: problems.map { .init(line: header.line, column: nil, message: $0) })
        }
        return columns
    }
}
