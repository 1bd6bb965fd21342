import Foundation

/// A patient record as the database holds it, read when a referral names a known patient.
public struct StoredPatient: Sendable, Equatable {
    public var id: UUID
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: CalendarDate
    public var statedGender: StatedGender
    public var phenotypicSex: PhenotypicSex?
    public var addressLines: [String]
    public var town: String
    public var postcode: String
    public var mobile: String?
    public var email: String?
    public var gpPractice: String
}

/// How a referral's statement of the patient compares with the record the NHS number found.
///
/// Identity (names, date of birth, stated gender, phenotypic sex) that disagrees means the
/// referral may be for someone else, or the record is wrong: the referral is flagged for
/// demographic review and the record is left as it is. Contact details (address, mobile,
/// e-mail, GP practice) change as people move, so when the identity agrees they are
/// brought up to date, with the earlier values kept in the history. A mobile or e-mail left
/// out of a referral is not stated, not removed.
public struct PatientMatch: Sendable, Equatable {
    /// Column names of identifying fields that disagree.
    public var identityDifferences: [String] = []
    /// Column names of contact fields that disagree.
    public var contactDifferences: [String] = []

    /// Whether the referral must be flagged for demographic review.
    public var needsReview: Bool { !self.identityDifferences.isEmpty }

    /// Whether the record's contact details are to be updated from the referral.
    public var updatesContact: Bool { !self.needsReview && !self.contactDifferences.isEmpty }

    /// Every difference, identity first: what the history row records.
    public var differences: [String] { self.identityDifferences + self.contactDifferences }

    public init(stated: ValidPatient, record: StoredPatient) {
        func same(_ lhs: String, _ rhs: String) -> Bool {
            lhs.lowercased() == rhs.lowercased()
        }
        if !same(stated.givenName, record.givenName) {
            self.identityDifferences.append("given_name")
        }
        if !same(stated.familyName, record.familyName) {
            self.identityDifferences.append("family_name")
        }
        if stated.dateOfBirth != record.dateOfBirth {
            self.identityDifferences.append("date_of_birth")
        }
        if stated.statedGender != record.statedGender {
            self.identityDifferences.append("stated_gender")
        }
        if let sex = stated.phenotypicSex, let known = record.phenotypicSex, sex != known {
            self.identityDifferences.append("phenotypic_sex")
        }

        let lines = stated.addressLines.map { $0.lowercased() }
        if lines != record.addressLines.map({ $0.lowercased() }) {
            self.contactDifferences.append("address_lines")
        }
        if !same(stated.town, record.town) { self.contactDifferences.append("town") }
        if stated.postcode.value != record.postcode { self.contactDifferences.append("postcode") }
        if let mobile = stated.mobile, mobile != record.mobile {
            self.contactDifferences.append("mobile")
        }
        if let email = stated.email, !same(email, record.email ?? "") {
            self.contactDifferences.append("email")
        }
        if stated.gpPractice != record.gpPractice { self.contactDifferences.append("gp_practice") }
    }
}
