import Foundation
import Referrals

/// The referrals the load submits: complete MRI referrals, each for a new patient with a
/// valid NHS number, to the procedure and site the session found. The body of a referral is
/// made once, so every retry under its key sends the same bytes.
struct ReferralFactory {
    let session: PortalSession

    /// Where this run's NHS numbers start (random, so runs rarely share a patient).
    let patientBase: Int

    /// The JSON body of referral number `sequence` of this run.
    func body(sequence: Int) -> [UInt8] {
        let form = ReferralForm(
            patient: PatientForm(
                nhsNumber: Self.nhsNumber(from: self.patientBase + sequence * 3),
                givenName: "Drill", familyName: "Patient", dateOfBirth: "1970-05-17",
                statedGender: "2",
                address: AddressForm(
                    lines: ["1 Beckett Street"], town: "Leeds",
                    postcode: PortalSession.patientPostcode),
                mobile: "07700 900123", gpPractice: "B86001"),
            clinicalHistory: "Locking of the right knee after a twisting injury.",
            clinicalQuestion: "Meniscal tear?", modality: self.session.modality,
            procedureID: self.session.procedureID, urgency: "routine",
            preferredSiteID: self.session.siteID,
            safety: SafetyForm(
                mri: MRIAnswers(
                    pacemakerOrICD: false, cochlearImplant: false, aneurysmClips: false,
                    metalInEyes: false, otherImplants: false, claustrophobia: false)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(form)) ?? Data())
    }

    /// A valid NHS number (modulus 11 check digit) from nine digits; a base whose check
    /// value would be 10 moves on to the next base.
    static func nhsNumber(from base: Int) -> String {
        var candidate = base % 900_000_000 + 100_000_000
        for _ in 0..<20 {
            let digits = String(candidate).compactMap(\.wholeNumberValue)
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
            let check = (11 - sum % 11) % 11
            if check != 10 {
                return digits.map(String.init).joined() + String(check)
            }
            candidate += 1
        }
        return "9434765919"
    }
}
