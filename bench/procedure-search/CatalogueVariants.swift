import Foundation
import Referrals

/// A catalogue of the size a provider's own grows to: the 51 real procedures, then variants
/// of them (laterality, protocol, setting) with ids and NICIP codes of their own, as CSV in
/// the format `portalctl import procedures` reads.
enum CatalogueVariants {
    static let qualifiers = [
        "left", "right", "bilateral", "follow-up", "staging", "restaging", "limited protocol",
        "paediatric", "under sedation", "under general anaesthetic", "guided injection",
        "surveillance", "pre-operative", "post-operative", "screening", "dynamic",
        "quantitative", "research protocol", "urgent", "weight-bearing",
    ]
    static let settings = ["", " (extended)", " (mobile unit)", " (second site)", " (trial)"]

    /// The real file's text followed by `rows - 51` variant rows.
    static func csv(realFile: String, rows: Int) throws -> String {
        let real = try String(contentsOfFile: realFile, encoding: .utf8)
        let bases = try ProcedureCatalogueFile(csv: real).entries
        var lines = real.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        for n in 0..<max(0, rows - bases.count) {
            let base = bases[n % bases.count]
            let step = n / bases.count
            let qualifier =
                Self.qualifiers[step % Self.qualifiers.count]
                + Self.settings[(step / Self.qualifiers.count) % Self.settings.count]
            guard let id = SNOMEDConceptID(stem: "\(2_000_000 + n)10") else {
                throw VariantError(description: "no SNOMED CT id for variant \(n)")
            }
            let fields = [
                "V"
                    + String(String(n, radix: 36).uppercased().reversed())
                    .padding(toLength: 4, withPad: "0", startingAt: 0).reversed(), id.value,
                "\(base.name) - \(qualifier)", base.modalityLabel, base.bodySite,
                base.contrast == .none ? "" : base.contrast.rawValue, "generated variant",
                "generated variant", "benchmark data",
            ]
            lines.append(fields.map(Self.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ field: String) -> String {
        "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    struct VariantError: Error, CustomStringConvertible {
        let description: String
    }
}
