import Foundation

/// What the database says about the things a referral names, read in the submitting
/// transaction so that validation can check them alongside every other field.
public struct ReferralFacts: Sendable {
    /// The procedure, or nil when the tenant's catalogue has no such id.
    public var procedure: ProcedureFacts?
    /// Whether the preferred site is one of the tenant's scanning sites.
    public var siteKnown: Bool
    /// Whether that site offers the procedure.
    public var siteOffersProcedure: Bool
    /// Whether the patient's postcode is in the postcode table.
    public var postcodeKnown: Bool
    /// Today, for dates that must be in the past and results that must be recent.
    public var today: CalendarDate
    public var thresholds: SafetyThresholds

    public init(
        procedure: ProcedureFacts?, siteKnown: Bool, siteOffersProcedure: Bool,
        postcodeKnown: Bool, today: CalendarDate, thresholds: SafetyThresholds = .init()
    ) {
        self.procedure = procedure
        self.siteKnown = siteKnown
        self.siteOffersProcedure = siteOffersProcedure
        self.postcodeKnown = postcodeKnown
        self.today = today
        self.thresholds = thresholds
    }
}

/// A catalogue procedure as far as a referral is concerned.
public struct ProcedureFacts: Sendable, Equatable {
    public var id: UUID
    public var name: String
    /// Nil when the catalogue holds a modality this code does not know.
    public var modality: Modality?
    public var contrast: Contrast
    public var safetyQuestions: Set<SafetyQuestionSet>
    public var active: Bool

    public init(
        id: UUID, name: String, modality: Modality?, contrast: Contrast,
        safetyQuestions: Set<SafetyQuestionSet>, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.modality = modality
        self.contrast = contrast
        self.safetyQuestions = safetyQuestions
        self.active = active
    }

    /// The groups the referrer must answer: those the catalogue lists, and in any case
    /// MRI for MRI, PET for PET-CT, contrast when the procedure uses it and ionising for
    /// every ionising modality, so that a gap in the catalogue cannot skip a question.
    public var requiredQuestions: Set<SafetyQuestionSet> {
        var questions = self.safetyQuestions
        if self.modality == .mri { questions.insert(.mri) }
        if self.modality == .petCT { questions.insert(.pet) }
        if self.contrast != .none { questions.insert(.contrast) }
        if self.modality?.isIonising == true { questions.insert(.ionising) }
        return questions
    }
}

/// A patient's details once every field has passed its checks.
public struct ValidPatient: Sendable, Equatable {
    public var nhsNumber: NHSNumber
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: CalendarDate
    public var statedGender: StatedGender
    public var phenotypicSex: PhenotypicSex?
    public var addressLines: [String]
    public var town: String
    public var postcode: Postcode
    /// E.164 (`+447700900123`).
    public var mobile: String?
    public var email: String?
    public var gpPractice: String

    /// Without a mobile number or an e-mail address the patient is written to by post.
    public var lettersOnly: Bool { self.mobile == nil && self.email == nil }
}

/// A referral whose every field passed its checks, with what the safety rules found.
public struct ValidReferral: Sendable {
    public var referrerID: UUID?
    public var patient: ValidPatient
    public var clinicalHistory: String
    public var clinicalQuestion: String
    public var modality: Modality
    public var procedure: ProcedureFacts
    public var urgency: Urgency
    public var preferredSiteID: UUID
    /// The answers to the groups the procedure asks, and nothing else.
    public var safety: SafetyForm
    /// Reasons a radiologist must look at the referral before it goes on; empty when none.
    public var reviewReasons: [ReviewReason]
}

/// Why a referral needs a radiologist's review: a stable code, the answer concerned and a
/// sentence for the radiologist.
public struct ReviewReason: Sendable, Equatable, Codable {
    public let code: String
    public let field: String
    public let message: String

    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}
