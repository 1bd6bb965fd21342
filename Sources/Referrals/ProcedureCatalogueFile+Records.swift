import Foundation

extension ProcedureCatalogueFile {
    /// Checks records one at a time against the columns and against the records before
    /// them (a SNOMED CT id or NICIP code may appear once in a file).
    struct RecordParser {
        let columns: [String: Int]
        private(set) var issues: [ProcedureCatalogueError.Issue] = []
        private var snomedLines: [String: Int] = [:]
        private var nicipLines: [String: Int] = [:]

        init(columns: [String: Int]) {
            self.columns = columns
        }

        /// The record's procedure, or nil after noting why it cannot be one.
        mutating func parse(_ record: CSVRecord) -> ProcedureEntry? {
            guard record.fields.count == self.columns.count else {
                self.note(
                    record, nil,
                    "has \(record.fields.count) fields; the header has \(self.columns.count)")
                return nil
            }
            let before = self.issues.count
            func cell(_ name: String) -> String {
                guard let position = self.columns[name] else { return "" }
                return record.fields[position].trimmingCharacters(in: .whitespacesAndNewlines)
            }

            let snomed = self.snomed(cell("snomed_ct_id"), record)
            let nicip = self.nicip(cell("nicip_codes"), record)
            let label = cell("modality")
            let modality = Modality(catalogueLabel: label)
            if modality == nil {
                let known = Modality.allCases.map(\.rawValue).joined(separator: ", ")
                self.note(record, "modality", "\"\(label.prefix(60))\" is not one of \(known)")
            } else if label.count > 100 {
                self.note(record, "modality", "is longer than 100 characters")
            }
            let site = cell("body_site")
            if site.isEmpty || site.count > 200 {
                self.note(record, "body_site", "must have 1 to 200 characters")
            }
            var contrast: Contrast?
            if let modality {
                contrast = Contrast(catalogueCell: cell("contrast"), modality: modality)
                if contrast == nil {
                    self.note(
                        record, "contrast",
                        "\"\(cell("contrast").prefix(60))\" names no contrast agent for "
                            + "\(modality.rawValue) (none, iodinated, gadolinium or "
                            + "\"with contrast\" for CT and MRI)")
                }
            }
            let display = self.displayName(cell("snomed_display"), label: label, site: site)
            if display.name.count > 300 {
                self.note(record, "snomed_display", "is longer than 300 characters")
            }
            let extra = self.list(cell("synonyms"), record, "synonyms", limit: 200) ?? []
            let asked = self.safetyQuestions(cell("safety_questions"), record)
            let derived = self.pairingDerived(cell("pairing_derived"), record)

            guard self.issues.count == before, let snomed, let nicip, let modality, let contrast
            else { return nil }
            let synonyms = ProcedureSynonyms.generate(
                name: display.name, modality: modality, modalityLabel: label, bodySite: site,
                contrast: contrast, extra: display.alsoKnownAs + extra)
            let sources = [
                ("NICIP-SNOMED CT pairing", cell("nicip_snomed_pairing_source")),
                ("name", cell("display_source")), ("confidence", cell("confidence")),
            ].filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
            return ProcedureEntry(
                snomedCTID: snomed, nicipCodes: nicip, name: display.name, modality: modality,
                modalityLabel: label, bodySite: site, contrast: contrast, synonyms: synonyms,
                safetyQuestions: asked
                    ?? SafetyQuestionSet.required(
                        modality: modality, contrast: contrast),
                pairingDerived: derived,
                sources: sources.isEmpty ? nil : String(sources.prefix(4000)))
        }

        private mutating func note(_ record: CSVRecord, _ column: String?, _ message: String) {
            self.issues.append(.init(line: record.line, column: column, message: message))
        }

        private mutating func snomed(_ text: String, _ record: CSVRecord) -> SNOMEDConceptID? {
            guard let id = SNOMEDConceptID(text) else {
                self.note(
                    record, "snomed_ct_id",
                    "\"\(text.prefix(40))\" is not a SNOMED CT id (6 to 18 digits, no leading "
                        + "zero, a valid Verhoeff check digit)")
                return nil
            }
            if let earlier = self.snomedLines[id.value] {
                self.note(record, "snomed_ct_id", "\(id) is already on line \(earlier)")
                return nil
            }
            self.snomedLines[id.value] = record.line
            return id
        }

        private mutating func nicip(_ text: String, _ record: CSVRecord) -> [String]? {
            guard let codes = self.list(text, record, "nicip_codes", limit: 20) else { return nil }
            var valid = true
            for code in codes {
                let shaped =
                    (3...10).contains(code.utf8.count)
                    && code.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) }
                if !shaped {
                    self.note(
                        record, "nicip_codes",
                        "\"\(code.prefix(40))\" is not a NICIP code (3 to 10 capital letters "
                            + "or digits)")
                    valid = false
                } else if let earlier = self.nicipLines[code] {
                    self.note(record, "nicip_codes", "\(code) is already on line \(earlier)")
                    valid = false
                } else {
                    self.nicipLines[code] = record.line
                }
            }
            return valid ? codes : nil
        }

        /// A pipe-separated cell; nil after noting a list that is too long.
        private mutating func list(
            _ text: String, _ record: CSVRecord, _ column: String, limit: Int
        ) -> [String]? {
            let items = text.split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            guard items.count <= limit else {
                self.note(record, column, "lists \(items.count) items; at most \(limit)")
                return nil
            }
            guard items.allSatisfy({ $0.count <= 200 }) else {
                self.note(record, column, "has an item longer than 200 characters")
                return nil
            }
            return items
        }

        /// Nil when the column is absent or empty: the importer derives the sets.
        private mutating func safetyQuestions(
            _ text: String, _ record: CSVRecord
        ) -> [SafetyQuestionSet]? {
            guard let items = self.list(text, record, "safety_questions", limit: 4),
                !items.isEmpty
            else { return nil }
            var sets: Set<SafetyQuestionSet> = []
            for item in items {
                guard let set = SafetyQuestionSet(rawValue: item.lowercased()) else {
                    self.note(
                        record, "safety_questions",
                        "\"\(item.prefix(40))\" is not one of mri, contrast, pet, ionising")
                    return nil
                }
                sets.insert(set)
            }
            return sets.sorted()
        }

        private mutating func pairingDerived(_ text: String, _ record: CSVRecord) -> Bool {
            switch text.lowercased() {
            case "", "true", "yes": return true
            case "false", "no": return false
            default:
                self.note(record, "pairing_derived", "must be true or false")
                return true
            }
        }

        /// The name to show: the display without SNOMED CT's "(procedure)" tag, with a
        /// "[DICOM: ...]" alias moved to the synonyms; built from the modality label and
        /// body site when the file has no display (a cell in brackets is a note, not a name).
        private func displayName(
            _ display: String, label: String, site: String
        ) -> (name: String, alsoKnownAs: [String]) {
            var name = display
            var aliases: [String] = []
            if let open = name.range(of: " [DICOM:"), name.hasSuffix("]") {
                let alias = name[open.upperBound...].dropLast()
                aliases.append(alias.trimmingCharacters(in: .whitespaces))
                name = String(name[..<open.lowerBound])
            }
            if name.hasSuffix(" (procedure)") {
                name = String(name.dropLast(" (procedure)".count))
            }
            if name.isEmpty || name.hasPrefix("(") {
                name = "\(label) \(ProcedureSynonyms.plainSite(site))"
            }
            return (name.trimmingCharacters(in: .whitespaces), aliases)
        }
    }
}
