import Foundation

/// A referral in the referrer's tracking list.
public struct ReferralSummary: Sendable, Codable, Equatable {
    public struct Patient: Sendable, Codable, Equatable {
        public let id: String
        public let nhsNumber: String
        public let givenName: String
        public let familyName: String
        public let dateOfBirth: String
    }

    /// Something named by id and name: a procedure, a site, a user.
    public struct Named: Sendable, Codable, Equatable {
        public let id: String
        public let name: String
    }

    public let id: String
    public let state: String
    public let urgency: String
    public let modality: String
    public let patient: Patient
    public let procedure: Named
    public let referrerID: String
    public let submittedByID: String
    public let needsReview: Bool
    public let needsDemographicReview: Bool
    public let createdAt: Date
    public let appointmentAt: Date?
    public let appointmentSite: Named?
    public let reportCompletedAt: Date?
    public let reportDistributedAt: Date?
    public let closedAt: Date?
}

/// One page of the tracking list, newest first, and the cursor of the next page.
public struct ReferralPage: Sendable, Codable, Equatable {
    public let items: [ReferralSummary]
    public let next: String?
}

/// One referral with everything the referrer gave and its history.
public struct ReferralDetail: Sendable, Codable, Equatable {
    public struct PatientDetails: Sendable, Codable, Equatable {
        public let statedGender: String
        public let phenotypicSex: String?
        public let addressLines: [String]
        public let town: String
        public let postcode: String
        public let mobile: String?
        public let email: String?
        public let lettersOnly: Bool
        public let gpPractice: String
    }

    public struct Event: Sendable, Codable, Equatable {
        public let fromState: String?
        public let toState: String
        public let actor: ReferralSummary.Named
        public let onBehalfOf: ReferralSummary.Named?
        public let at: Date
        public let reason: String?
    }

    /// Another referral of the same patient that the reader may see.
    public struct Related: Sendable, Codable, Equatable {
        public let id: String
        public let procedure: String
        public let state: String
        public let createdAt: Date
    }

    public let referral: ReferralSummary
    public let patientDetails: PatientDetails
    public let referrer: ReferralSummary.Named
    public let submittedBy: ReferralSummary.Named
    public let preferredSite: ReferralSummary.Named
    public let clinicalHistory: String
    public let clinicalQuestion: String
    public let safetyAnswers: SafetyForm
    public let reviewReasons: [ReviewReason]
    public let demographicDifferences: [String]
    public let events: [Event]
    public let otherReferrals: [Related]
}
