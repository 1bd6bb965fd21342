import Audit
import Foundation
import Postgres
import Tenancy

/// Submitting a referral: one transaction that claims the idempotency key, reads what the
/// form names, checks every field, finds or creates the patient, stores the referral, its
/// first event and its answer, and records the audit event.
extension Referrals {
    /// Submits `form` for `actor`. The first request with `key` does the work and stores its
    /// answer with the key; a retry with the same key and body gets that answer again
    /// (`replayed`), also after a lost connection or a restart; the same key with another
    /// body is refused (`keyReused`). Refusals change nothing and do not keep the key.
    public func submit(
        _ form: ReferralForm, key: IdempotencyKey, by actor: ReferralActor, tenant: TenantID,
        origin: ReferralOrigin, today: CalendarDate = .today()
    ) async throws(ReferralsError) -> SubmissionAnswer {
        guard actor.isReferrer || actor.isDelegate else {
            throw ReferralsError(
                .forbidden, "Submitting a referral needs the referrer or delegate role.")
        }
        return try await self.inTenant(tenant) { transaction in
            if let replay = try await Self.claim(key, user: actor.userID, in: transaction) {
                return replay
            }

            // A malformed referrerID is left for validation to name; entitlement is checked
            // for the referrer the form names, or the actor when it names none.
            let named = form.referrerID.map(UUID.init(uuidString:))
            let referrer = (named ?? actor.userID) ?? actor.userID
            let facts = try await Self.facts(
                form, referrer: referrer, submitter: actor.userID, today: today, in: transaction)
            guard facts.entitled || named == .some(nil) else {
                throw ReferralsError(
                    .forbidden,
                    referrer == actor.userID
                        ? "Only a referrer may submit a referral in their own name."
                        : "You may not refer on behalf of this user: they have not named you "
                            + "as their delegate.")
            }
            let valid = try form.validated(facts: facts.referral)

            let match = try await Self.matchPatient(valid.patient, in: transaction)
            let onBehalfOf = referrer == actor.userID ? nil : referrer
            let rows = try await transaction.query(
                try ReferralStatements.insertReferral(
                    valid, patient: match.id, referrer: referrer, submitter: actor.userID,
                    onBehalfOf: onBehalfOf,
                    differences: match.comparison?.identityDifferences ?? []))
            guard let row = rows.first else { throw ReferralsError.unavailable(Self.noRow) }
            let (id, createdAt) = try row.decode((UUID, Date).self)

            if match.comparison == nil || match.comparison?.differences.isEmpty == false {
                _ = try await transaction.query(
                    ReferralStatements.insertHistory(
                        valid.patient, patientID: match.id, referral: id,
                        differences: match.comparison?.differences ?? [], by: actor.userID))
            }

            let answer = SubmittedReferral(
                id: id.uuidString.lowercased(), state: "submitted",
                patientID: match.id.uuidString.lowercased(), newPatient: match.comparison == nil,
                lettersOnly: match.lettersOnly, needsReview: !valid.reviewReasons.isEmpty,
                reviewReasons: valid.reviewReasons,
                demographicDifferences: match.comparison?.identityDifferences ?? [],
                createdAt: createdAt)
            let body = try answer.encoded()
            let location = "/api/v1/referrals/\(answer.id)"
            _ = try await transaction.query(
                ReferralStatements.storeAnswer(
                    user: actor.userID, key: key, status: 201,
                    body: String(decoding: body, as: UTF8.self), path: location))

            try await Self.audit(
                "referral.submitted", actor: actor, onBehalfOf: onBehalfOf,
                record: ("referral", id), patient: match.id, origin: origin,
                details: [
                    "new_patient": .bool(match.comparison == nil),
                    "needs_review": .bool(!valid.reviewReasons.isEmpty),
                    "demographic_review": .bool(match.comparison?.needsReview == true),
                    "modality": .string(valid.modality.rawValue),
                ],
                in: transaction)
            return SubmissionAnswer(status: 201, body: body, location: location, replayed: false)
        }
    }

    static let noRow = ReferralsError(.unavailable, "the statement returned no row")

    /// Claims the key; when another request already holds it, its stored answer (same
    /// body) or `keyReused` (another body).
    private static func claim(
        _ key: IdempotencyKey, user: UUID, in transaction: TenantTransaction
    ) async throws -> SubmissionAnswer? {
        let claimed = try await transaction.query(ReferralStatements.claimKey(user: user, key: key))
        guard claimed.isEmpty else { return nil }

        let rows = try await transaction.query(ReferralStatements.storedKey(user: user, key: key))
        guard let row = rows.first else { throw ReferralsError.unavailable(Self.noRow) }
        let (hash, status, body, path) = try row.decode(([UInt8], Int?, String?, String?).self)
        guard hash == key.requestHash else {
            throw ReferralsError(
                .keyReused,
                "This Idempotency-Key was used in the past 24 hours with a different request "
                    + "body; send a new key for a new referral.")
        }
        guard let status, let body else { throw ReferralsError.unavailable(Self.noRow) }
        return SubmissionAnswer(
            status: status, body: Array(body.utf8), location: path ?? "", replayed: true)
    }

    /// The facts for validation, and whether the submitter may refer for the referrer.
    private static func facts(
        _ form: ReferralForm, referrer: UUID, submitter: UUID, today: CalendarDate,
        in transaction: TenantTransaction
    ) async throws -> (referral: ReferralFacts, entitled: Bool) {
        let lookups = form.lookups
        let rows = try await transaction.query(
            ReferralStatements.facts(
                procedure: lookups.procedureID, site: lookups.siteID,
                postcode: lookups.postcode?.value, referrer: referrer, submitter: submitter))
        guard let row = rows.first else { throw ReferralsError.unavailable(Self.noRow) }

        let id = try row.decode(UUID?.self, at: 0)
        let name = try row.decode(String?.self, at: 1)
        let modality = try row.decode(String?.self, at: 2)
        let contrast = try row.decode(String?.self, at: 3)
        let questions = try row.decode(String?.self, at: 4)
        let active = try row.decode(Bool?.self, at: 5)
        var procedure: ProcedureFacts?
        if let id, let name, let modality, let contrast, let questions, let active {
            procedure = ProcedureFacts(
                id: id, name: name, modality: Modality(rawValue: modality),
                contrast: Contrast(rawValue: contrast) ?? .none,
                safetyQuestions: Set(
                    questions.split(separator: ",").compactMap {
                        SafetyQuestionSet(rawValue: String($0))
                    }),
                active: active)
        }
        let flags = try (6...10).map { column throws(PostgresError) in
            try row.decode(Bool.self, at: column)
        }
        let (siteKnown, offers, postcodeKnown, isReferrer, mayAct) = (
            flags[0], flags[1], flags[2], flags[3], flags[4]
        )

        var thresholds = SafetyThresholds()
        let egfr = try row.decode(Int?.self, at: 11)
        let egfrAge = try row.decode(Int?.self, at: 12)
        let glucose = try row.decode(Double?.self, at: 13)
        let table = try row.decode(Double?.self, at: 14)
        let chemo = try row.decode(Int?.self, at: 15)
        let radio = try row.decode(Int?.self, at: 16)
        if let egfr, let egfrAge, let glucose, let table, let chemo, let radio {
            thresholds.egfrReviewBelow = egfr
            thresholds.egfrMaximumAgeDays = egfrAge
            thresholds.petGlucoseReviewAbove = glucose
            thresholds.tableLimitKg = table
            thresholds.chemotherapyReviewDays = chemo
            thresholds.radiotherapyReviewDays = radio
        }
        let facts = ReferralFacts(
            procedure: procedure, siteKnown: siteKnown, siteOffersProcedure: offers,
            postcodeKnown: postcodeKnown, today: today, thresholds: thresholds)
        return (facts, isReferrer && mayAct)
    }

    /// The patient the NHS number identifies: created by this referral, or the record that
    /// exists, compared with what the referral states (and its contact details brought up
    /// to date when the identity agrees).
    private static func matchPatient(
        _ patient: ValidPatient, in transaction: TenantTransaction
    ) async throws -> (id: UUID, comparison: PatientMatch?, lettersOnly: Bool) {
        var rows = try await transaction.query(ReferralStatements.findPatient(patient.nhsNumber))
        if rows.isEmpty {
            let created = try await transaction.query(ReferralStatements.createPatient(patient))
            if let row = created.first {
                return (try row.decode(UUID.self, at: 0), nil, patient.lettersOnly)
            }
            // A concurrent first referral created the record meanwhile.
            rows = try await transaction.query(ReferralStatements.findPatient(patient.nhsNumber))
        }
        guard let row = rows.first else { throw ReferralsError.unavailable(Self.noRow) }
        let record = try StoredPatient(row: row)
        let match = PatientMatch(stated: patient, record: record)
        if match.updatesContact {
            _ = try await transaction.query(ReferralStatements.updateContact(record.id, patient))
        }
        let mobile = match.updatesContact ? patient.mobile ?? record.mobile : record.mobile
        let email = match.updatesContact ? patient.email ?? record.email : record.email
        return (record.id, match, mobile == nil && email == nil)
    }
}

extension StoredPatient {
    /// Reads the columns of `ReferralStatements.findPatient`.
    init(row: PostgresRow) throws {
        let (id, given, family, birth, gender, sex, lines, town, postcode, mobile, email, gp) =
            try row.decode(
                (
                    UUID, String, String, String, String, String?, String, String, String,
                    String?, String?, String
                ).self)
        guard let date = CalendarDate(iso: birth), let stated = StatedGender(rawValue: gender)
        else {
            throw ReferralsError(.unavailable, "a patient record could not be read")
        }
        self.init(
            id: id, givenName: given, familyName: family, dateOfBirth: date,
            statedGender: stated, phenotypicSex: sex.flatMap(PhenotypicSex.init(rawValue:)),
            addressLines: try JSONDecoder().decode([String].self, from: Data(lines.utf8)),
            town: town, postcode: postcode, mobile: mobile, email: email, gpPractice: gp)
    }
}
