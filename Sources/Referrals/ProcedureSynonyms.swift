import Foundation

/// The other words referrers type for a procedure, generated at import so that "mri knee",
/// "magnetic resonance knee", "knee scan" and "ct chest" all find what a catalogue names
/// "Magnetic resonance imaging of knee" or "Computed tomography of thorax".
///
/// Synonyms come from the modality (abbreviation and full name both ways), from words in
/// the catalogue's label ("FDG", "angiography", "transvaginal"), from common names of body
/// sites ("thorax" and "chest", "renal" and "kidney") and from the contrast agent.
public enum ProcedureSynonyms {
    /// At most this many are stored for a procedure.
    public static let limit = 100

    /// The generated synonyms followed by `extra` (a file's own), without duplicates (case
    /// ignored) and without any that equals the name.
    public static func generate(
        name: String, modality: Modality, modalityLabel: String, bodySite: String,
        contrast: Contrast, extra: [String] = []
    ) -> [String] {
        var terms = Self.modalityTerms[modality] ?? []
        let label = modalityLabel.lowercased()
        for (word, related) in Self.labelTerms where label.contains(word) {
            terms += related
        }

        let site = bodySite.lowercased()
        var siteTerms: [String] = []
        for (word, related) in Self.siteTerms where Self.containsWord(site, word) {
            siteTerms += related
        }
        terms += siteTerms
        if let short = Self.modalityTerms[modality]?.first {
            terms.append("\(short) \(Self.plainSite(site))")
        }

        switch contrast {
        case .none: break
        case .iodinated: terms += ["with contrast", "contrast enhanced", "iodinated contrast"]
        case .gadolinium: terms += ["with contrast", "contrast enhanced", "gadolinium"]
        }

        var seen: Set<String> = [name.lowercased()]
        var synonyms: [String] = []
        for term in terms + extra {
            let trimmed = term.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, seen.insert(trimmed.lowercased()).inserted else { continue }
            synonyms.append(trimmed)
            if synonyms.count == Self.limit { break }
        }
        return synonyms
    }

    /// The body site without its bracketed or slashed detail: "heart (myocardium)" gives
    /// "heart", "whole body / unspecified" gives "whole body".
    static func plainSite(_ site: String) -> String {
        let head = site.prefix { $0 != "(" && $0 != "/" }
        return head.trimmingCharacters(in: .whitespaces)
    }

    static func containsWord(_ text: String, _ word: String) -> Bool {
        let words = text.split { !$0.isLetter }
        return words.contains { $0 == word }
    }

    /// Per modality: the short form first, then what else people call it.
    static let modalityTerms: [Modality: [String]] = [
        .petCT: [
            "PET-CT", "PET CT", "PET scan", "PET/CT", "positron emission tomography",
            "computed tomography",
        ],
        .mri: ["MRI", "MR", "MRI scan", "magnetic resonance imaging", "magnetic resonance"],
        .ct: ["CT", "CT scan", "CAT scan", "computed tomography"],
        .ultrasound: [
            "ultrasound", "US", "ultrasound scan", "sonography", "ultrasonography", "echography",
        ],
        .nuclearMedicine: [
            "nuclear medicine", "NM", "radionuclide", "isotope scan", "scintigraphy",
            "gamma camera",
        ],
        .xRay: ["X-ray", "XR", "xray", "radiograph", "plain film"],
        .dexa: ["DEXA", "DXA", "bone density scan", "bone densitometry"],
    ]

    /// Words of a catalogue label and what they are also called.
    static let labelTerms: [(String, [String])] = [
        ("fdg", ["FDG", "fluorodeoxyglucose", "glucose PET"]),
        ("methionine", ["MET", "methionine", "amino acid PET"]),
        ("angiography", ["angiography", "angiogram"]),
        ("mra", ["MRA", "MR angiography", "angiogram"]),
        ("mrcp", ["MRCP", "cholangiopancreatography"]),
        ("multiparametric", ["mpMRI", "multiparametric"]),
        ("perfusion", ["perfusion"]),
        ("colonoscopy", ["CT colonography", "CTC", "virtual colonoscopy"]),
        ("biopsy", ["biopsy", "guided biopsy", "CT guided"]),
        ("transvaginal", ["transvaginal", "TVS", "TV scan", "internal scan"]),
        ("transrectal", ["transrectal", "TRUS"]),
        ("echo", ["echocardiogram", "echo", "TTE", "heart scan"]),
    ]

    /// Words of a body site and what they are also called.
    static let siteTerms: [(String, [String])] = [
        ("thorax", ["chest", "thoracic"]),
        ("chest", ["thorax", "thoracic", "lung"]),
        ("abdomen", ["abdominal", "tummy"]),
        ("pelvis", ["pelvic"]),
        ("heart", ["cardiac"]),
        ("myocardium", ["myocardial", "cardiac"]),
        ("coronary", ["cardiac", "heart"]),
        ("kidneys", ["kidney", "renal"]),
        ("urinary", ["urogram", "renal tract", "kidney"]),
        ("liver", ["hepatic"]),
        ("biliary", ["bile duct", "gallbladder"]),
        ("breast", ["mammary", "breasts"]),
        ("breasts", ["breast", "mammary"]),
        ("lumbar", ["lower back", "lumbar spine", "back"]),
        ("cervical", ["neck spine", "c-spine"]),
        ("spine", ["back", "spinal"]),
        ("brain", ["head"]),
        ("thyroid", ["neck"]),
        ("prostate", ["prostatic"]),
        ("colon", ["bowel", "large bowel"]),
        ("skeleton", ["bone", "bones", "osteoporosis"]),
        ("body", ["whole body", "full body"]),
        ("knee", ["knee joint"]),
        ("hip", ["hip joint"]),
        ("shoulder", ["shoulder joint"]),
        ("axilla", ["armpit", "axillary"]),
        ("artery", ["arterial", "vascular"]),
        ("tumour", ["tumor", "cancer", "oncology"]),
    ]
}
