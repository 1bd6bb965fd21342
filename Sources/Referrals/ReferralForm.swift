import Foundation

/// A referral as the referrer sends it (`POST /api/v1/referrals`): the minimum dataset.
/// Every member is optional here so that every missing and wrong field is named together.
/// Shortcoming: a value of the wrong JSON type (a string for `egfr`) fails decoding first,
/// and that answer names that one field only.
public struct ReferralForm: Sendable, Codable {
    /// For a delegate: the referrer they act for. A referrer leaves it out (or names
    /// themself).
    public var referrerID: String?
    public var patient: PatientForm?
    /// Why the scan is asked for: history, findings, relevant results.
    public var clinicalHistory: String?
    /// What the scan should answer.
    public var clinicalQuestion: String?
    /// `PET-CT`, `MRI`, `CT`, `US`, `NM`, `XR` or `DEXA`; must be the procedure's.
    public var modality: String?
    public var procedureID: String?
    /// `routine`, `urgent` or `two_week_wait`.
    public var urgency: String?
    /// The scanning site the patient prefers; it must offer the procedure.
    public var preferredSiteID: String?
    /// The answers to the procedure's safety questions.
    public var safety: SafetyForm?

    public init(
        referrerID: String? = nil, patient: PatientForm? = nil, clinicalHistory: String? = nil,
        clinicalQuestion: String? = nil, modality: String? = nil, procedureID: String? = nil,
        urgency: String? = nil, preferredSiteID: String? = nil, safety: SafetyForm? = nil
    ) {
        self.referrerID = referrerID
        self.patient = patient
        self.clinicalHistory = clinicalHistory
        self.clinicalQuestion = clinicalQuestion
        self.modality = modality
        self.procedureID = procedureID
        self.urgency = urgency
        self.preferredSiteID = preferredSiteID
        self.safety = safety
    }
}

/// The patient's identity and contact details as the referrer states them.
public struct PatientForm: Sendable, Codable {
    /// Ten digits, or 3-3-4 groups separated by spaces or hyphens.
    public var nhsNumber: String?
    public var givenName: String?
    public var familyName: String?
    /// `YYYY-MM-DD`.
    public var dateOfBirth: String?
    /// NHS Data Dictionary PERSON STATED GENDER CODE: `1`, `2`, `9` or `X`.
    public var statedGender: String?
    /// NHS Data Dictionary PERSON PHENOTYPIC SEX: `1`, `2` or `9`; optional.
    public var phenotypicSex: String?
    public var address: AddressForm?
    /// A UK mobile number; optional, but without it and `email` the patient gets letters.
    public var mobile: String?
    public var email: String?
    /// The ODS code of the patient's registered GP practice (`A81001`).
    public var gpPractice: String?

    public init(
        nhsNumber: String? = nil, givenName: String? = nil, familyName: String? = nil,
        dateOfBirth: String? = nil, statedGender: String? = nil, phenotypicSex: String? = nil,
        address: AddressForm? = nil, mobile: String? = nil, email: String? = nil,
        gpPractice: String? = nil
    ) {
        self.nhsNumber = nhsNumber
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.statedGender = statedGender
        self.phenotypicSex = phenotypicSex
        self.address = address
        self.mobile = mobile
        self.email = email
        self.gpPractice = gpPractice
    }
}

/// A UK postal address: one to four lines, the town, the postcode.
public struct AddressForm: Sendable, Codable {
    public var lines: [String]?
    public var town: String?
    public var postcode: String?

    public init(lines: [String]? = nil, town: String? = nil, postcode: String? = nil) {
        self.lines = lines
        self.town = town
        self.postcode = postcode
    }
}
