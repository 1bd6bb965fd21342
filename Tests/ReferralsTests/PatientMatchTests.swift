import Foundation
import Testing

@testable import Referrals

/// Comparing a referral's statement of the patient with the record the NHS number found.
@Suite struct PatientMatchTests {
    static func stated() throws -> ValidPatient {
        let form = ReferralValidationTests.form()
        return try form.validated(facts: ReferralValidationTests.facts()).patient
    }

    static func record(_ stated: ValidPatient) -> StoredPatient {
        StoredPatient(
            id: UUID(), givenName: stated.givenName, familyName: stated.familyName,
            dateOfBirth: stated.dateOfBirth, statedGender: stated.statedGender,
            phenotypicSex: stated.phenotypicSex, addressLines: stated.addressLines,
            town: stated.town, postcode: stated.postcode.value, mobile: stated.mobile,
            email: stated.email, gpPractice: stated.gpPractice)
    }

    @Test("the same person, whatever the case of the names, is no difference")
    func same() throws {
        let stated = try Self.stated()
        var record = Self.record(stated)
        record.givenName = stated.givenName.uppercased()
        let match = PatientMatch(stated: stated, record: record)
        #expect(match.differences.isEmpty && !match.needsReview && !match.updatesContact)
    }

    @Test("a move updates contact details; a left-out mobile or e-mail is not a change")
    func contact() throws {
        var stated = try Self.stated()
        let record = Self.record(stated)
        stated.addressLines = ["9 New Road"]
        stated.postcode = try #require(Postcode("YO1 7HH"))
        stated.mobile = nil
        stated.email = nil
        let match = PatientMatch(stated: stated, record: record)
        #expect(match.contactDifferences == ["address_lines", "postcode"])
        #expect(match.updatesContact && !match.needsReview)
    }

    @Test("disagreeing identity is flagged and leaves the record's contact details alone")
    func identity() throws {
        var stated = try Self.stated()
        var record = Self.record(stated)
        record.phenotypicSex = .male
        stated.familyName = "Jones"
        stated.dateOfBirth = try #require(CalendarDate(iso: "1961-03-15"))
        stated.statedGender = .notKnown
        stated.gpPractice = "A81001"
        let match = PatientMatch(stated: stated, record: record)
        #expect(
            match.identityDifferences == [
                "family_name", "date_of_birth", "stated_gender", "phenotypic_sex",
            ])
        #expect(match.contactDifferences == ["gp_practice"])
        #expect(match.needsReview && !match.updatesContact)
    }
}

@Suite struct ReferralFilterTests {
    @Test("query parameters parse into filters, percent-decoded")
    func parsing() throws {
        let filter = try ReferralFilter(
            query: "state=booked&urgency=two_week_wait&modality=PET-CT&nhsNumber=943%20476%205919"
                + "&name=o%27brien&limit=10&after=6F1C9A49-07E4-4F0B-9A55-3A5C1D2E9B10")
        #expect(filter.state == "booked" && filter.urgency == .twoWeekWait)
        #expect(filter.modality == .petCT && filter.nhsNumber?.digits == "9434765919")
        #expect(filter.name == "o'brien" && filter.limit == 10 && filter.after != nil)
        #expect(try ReferralFilter(query: nil) == ReferralFilter())
    }

    @Test("bad parameters are named, all of them")
    func refusals() {
        let error = #expect(throws: ReferralsError.self) {
            try ReferralFilter(
                query: "state=lost&urgency=now&modality=PET&nhsNumber=1234567890&name=x"
                    + "&limit=101&after=nope&sort=name")
        }
        #expect(error?.code == .badQuery)
        #expect(
            error?.fields.map(\.pointer) == [
                "state", "urgency", "modality", "nhsNumber", "name", "limit", "after", "sort",
            ])
    }

    @Test("the name pattern escapes LIKE wildcards")
    func pattern() throws {
        let filter = try ReferralFilter(query: "name=50%25_off")
        #expect(filter.namePattern == "%50\\%\\_off%")
    }
}
