import Foundation
import Postgres

/// Reading the tracking views from the rows of the queries in Referrals+Tracking.swift.
extension ReferralSummary {
    /// Columns 0 to 21 of the list and detail queries.
    init(row: PostgresRow) throws {
        func text(_ column: Int) throws -> String { try row.decode(String.self, at: column) }
        func id(_ column: Int) throws -> String {
            try row.decode(UUID.self, at: column).uuidString.lowercased()
        }
        let site = try row.decode(UUID?.self, at: 17)
        let siteName = try row.decode(String?.self, at: 18)
        self.init(
            id: try id(0), state: try text(1), urgency: try text(2), modality: try text(3),
            patient: Patient(
                id: try id(4), nhsNumber: try text(5), givenName: try text(6),
                familyName: try text(7), dateOfBirth: try text(8)),
            procedure: Named(id: try id(9), name: try text(10)), referrerID: try id(11),
            submittedByID: try id(12), needsReview: try row.decode(Bool.self, at: 13),
            needsDemographicReview: try row.decode(Bool.self, at: 14),
            createdAt: try row.decode(Date.self, at: 15),
            appointmentAt: try row.decode(Date?.self, at: 16),
            appointmentSite: site.map {
                Named(id: $0.uuidString.lowercased(), name: siteName ?? "")
            },
            reportCompletedAt: try row.decode(Date?.self, at: 19),
            reportDistributedAt: try row.decode(Date?.self, at: 20),
            closedAt: try row.decode(Date?.self, at: 21))
    }
}

extension ReferralDetail {
    /// Columns 22 onwards of the detail query, after the summary's.
    init(row: PostgresRow, summary: ReferralSummary, events: [Event], related: [Related]) throws {
        func text(_ column: Int) throws -> String { try row.decode(String.self, at: column) }
        func json<Value: Decodable>(_ type: Value.Type, _ column: Int) throws -> Value {
            try JSONDecoder().decode(type, from: Data(try text(column).utf8))
        }
        let referrer = try row.decode(String.self, at: 31)
        let submitter = try row.decode(String.self, at: 32)
        let site = try row.decode(UUID.self, at: 33).uuidString.lowercased()
        self.init(
            referral: summary,
            patientDetails: PatientDetails(
                statedGender: try text(22), phenotypicSex: try row.decode(String?.self, at: 23),
                addressLines: try json([String].self, 24), town: try text(25),
                postcode: try text(26), mobile: try row.decode(String?.self, at: 27),
                email: try row.decode(String?.self, at: 28),
                lettersOnly: try row.decode(Bool.self, at: 29), gpPractice: try text(30)),
            referrer: .init(id: summary.referrerID, name: referrer),
            submittedBy: .init(id: summary.submittedByID, name: submitter),
            preferredSite: .init(id: site, name: try text(34)),
            clinicalHistory: try text(35), clinicalQuestion: try text(36),
            safetyAnswers: try json(SafetyForm.self, 37),
            reviewReasons: try json([ReviewReason].self, 38),
            demographicDifferences: try json([String].self, 39), events: events,
            otherReferrals: related)
    }
}

extension ReferralDetail.Event {
    init(row: PostgresRow) throws {
        let behalf = try row.decode(UUID?.self, at: 4)
        let behalfName = try row.decode(String?.self, at: 5)
        self.init(
            fromState: try row.decode(String?.self, at: 0),
            toState: try row.decode(String.self, at: 1),
            actor: .init(
                id: try row.decode(UUID.self, at: 2).uuidString.lowercased(),
                name: try row.decode(String.self, at: 3)),
            onBehalfOf: behalf.map {
                .init(id: $0.uuidString.lowercased(), name: behalfName ?? "")
            },
            at: try row.decode(Date.self, at: 6), reason: try row.decode(String?.self, at: 7))
    }
}

extension ReferralDetail.Related {
    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode(UUID.self, at: 0).uuidString.lowercased(),
            procedure: try row.decode(String.self, at: 1),
            state: try row.decode(String.self, at: 2),
            createdAt: try row.decode(Date.self, at: 3))
    }
}
