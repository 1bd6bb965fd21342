import Audit
import Foundation
import Postgres
import Tenancy

/// Tracking for the referrer: the live list, the archive and one referral's detail.
///
/// A user sees the referrals where they are the referrer (their own, and those delegates
/// made for them) or the submitter (those they made as a delegate); anything else, in this
/// tenant or another, is answered like an id that does not exist.
///
/// Reads are audited in the reading transaction: one event per list page, naming every
/// patient on it in `details.patients` (and in `patient_id` when the page shows one
/// patient only), and one per detail read with its patient. One event a page rather than
/// one a patient because appends serialise on the tenant's audit chain: fifty appends for
/// every page turned would make browsing the list the tenant's bottleneck.
extension Referrals {
    /// One page of the actor's live referrals (`archive` false) or of those closed in the
    /// past 12 months (`archive` true), newest first.
    public func list(
        _ filter: ReferralFilter, archive: Bool, by actor: ReferralActor, tenant: TenantID,
        origin: ReferralOrigin
    ) async throws(ReferralsError) -> ReferralPage {
        try Self.requireTracker(actor)
        return try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(
                Self.listQuery(filter, archive: archive, reader: actor.userID))
            let items = try rows.map { try ReferralSummary(row: $0) }
            let page = Array(items.prefix(filter.limit))

            var patients: [String] = []
            for item in page where !patients.contains(item.patient.id) {
                patients.append(item.patient.id)
            }
            var details: [String: AuditDetail] = [
                "archive": .bool(archive), "referrals": .int(Int64(page.count)),
                "patients": .string(patients.joined(separator: " ")),
            ]
            if let state = filter.state { details["filter_state"] = .string(state) }
            if let number = filter.nhsNumber {
                details["filter_nhs_number"] = .string(number.digits)
            }
            if let name = filter.name { details["filter_name"] = .string(name) }
            try await Self.audit(
                archive ? "referral.archive_listed" : "referral.listed", actor: actor,
                record: nil, patient: patients.count == 1 ? UUID(uuidString: patients[0]) : nil,
                origin: origin, details: details, in: transaction)
            return ReferralPage(items: page, next: items.count > filter.limit ? page.last?.id : nil)
        }
    }

    /// One referral the actor may see, with its event history; `notFound` otherwise.
    public func detail(
        _ id: UUID, by actor: ReferralActor, tenant: TenantID, origin: ReferralOrigin
    ) async throws(ReferralsError) -> ReferralDetail {
        try Self.requireTracker(actor)
        return try await self.inTenant(tenant) { transaction in
            let rows = try await transaction.query(Self.detailQuery(id, reader: actor.userID))
            guard let row = rows.first else { throw ReferralsError.notFound }
            let summary = try ReferralSummary(row: row)
            let events = try await transaction.query(Self.eventsQuery(id))
            let related = try await transaction.query(
                Self.relatedQuery(patient: summary.patient.id, except: id, reader: actor.userID))
            let detail = try ReferralDetail(
                row: row, summary: summary,
                events: events.map { try ReferralDetail.Event(row: $0) },
                related: related.map { try ReferralDetail.Related(row: $0) })

            try await Self.audit(
                "referral.read", actor: actor, record: ("referral", id),
                patient: UUID(uuidString: summary.patient.id), origin: origin, in: transaction)
            return detail
        }
    }

    private static func requireTracker(_ actor: ReferralActor) throws(ReferralsError) {
        guard actor.isReferrer || actor.isDelegate else {
            throw ReferralsError(
                .forbidden, "Tracking referrals needs the referrer or delegate role.")
        }
    }

    /// The page query. Shortcoming: the name filter (ILIKE '%part%') has no index behind
    /// it and reads every referral of the reader; fine for one clinician's referrals, not
    /// for a search across a tenant.
    static func listQuery(
        _ filter: ReferralFilter, archive: Bool, reader: UUID
    ) -> PostgresQuery {
        """
        SELECT r.id, r.state, r.urgency, r.modality, p.id, p.nhs_number, p.given_name,
               p.family_name, p.date_of_birth::text, pr.id, pr.name, r.referrer_user_id,
               r.submitted_by_user_id, r.needs_review, r.needs_demographic_review, r.created_at,
               r.appointment_at, r.appointment_site_id, so.name, r.report_completed_at,
               r.report_distributed_at, r.closed_at
        FROM portal.referrals r
        JOIN portal.patients p ON p.tenant_id = r.tenant_id AND p.id = r.patient_id
        JOIN portal.procedures pr ON pr.tenant_id = r.tenant_id AND pr.id = r.procedure_id
        LEFT JOIN portal.organisations so
               ON so.tenant_id = r.tenant_id AND so.id = r.appointment_site_id
        WHERE (r.referrer_user_id = \(reader) OR r.submitted_by_user_id = \(reader))
          AND (r.state IN ('completed', 'rejected', 'cancelled')) = \(archive)
          AND (NOT \(archive) OR r.closed_at >= now() - interval '12 months')
          AND (\(filter.state)::text IS NULL OR r.state = \(filter.state))
          AND (\(filter.urgency?.rawValue)::text IS NULL
               OR r.urgency = \(filter.urgency?.rawValue))
          AND (\(filter.modality?.rawValue)::text IS NULL
               OR r.modality = \(filter.modality?.rawValue))
          AND (\(filter.nhsNumber?.digits)::text IS NULL
               OR p.nhs_number = \(filter.nhsNumber?.digits))
          AND (\(filter.namePattern)::text IS NULL
               OR p.given_name ILIKE \(filter.namePattern)
               OR p.family_name ILIKE \(filter.namePattern)
               OR p.given_name || ' ' || p.family_name ILIKE \(filter.namePattern))
          AND (\(filter.after)::uuid IS NULL OR (r.created_at, r.id) < (
                SELECT c.created_at, c.id FROM portal.referrals c WHERE c.id = \(filter.after)))
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT \(filter.limit + 1)
        """
    }

    static func detailQuery(_ id: UUID, reader: UUID) -> PostgresQuery {
        """
        SELECT r.id, r.state, r.urgency, r.modality, p.id, p.nhs_number, p.given_name,
               p.family_name, p.date_of_birth::text, pr.id, pr.name, r.referrer_user_id,
               r.submitted_by_user_id, r.needs_review, r.needs_demographic_review, r.created_at,
               r.appointment_at, r.appointment_site_id, so.name, r.report_completed_at,
               r.report_distributed_at, r.closed_at,
               p.stated_gender, p.phenotypic_sex, array_to_json(p.address_lines)::text, p.town,
               p.postcode, p.mobile, p.email, p.letters_only, p.gp_practice,
               ru.full_name, su.full_name, r.preferred_site_id, ps.name, r.clinical_history,
               r.clinical_question, r.safety_answers::text, r.review_reasons::text,
               array_to_json(r.demographic_differences)::text
        FROM portal.referrals r
        JOIN portal.patients p ON p.tenant_id = r.tenant_id AND p.id = r.patient_id
        JOIN portal.procedures pr ON pr.tenant_id = r.tenant_id AND pr.id = r.procedure_id
        LEFT JOIN portal.organisations so
               ON so.tenant_id = r.tenant_id AND so.id = r.appointment_site_id
        JOIN portal.users ru ON ru.tenant_id = r.tenant_id AND ru.id = r.referrer_user_id
        JOIN portal.users su ON su.tenant_id = r.tenant_id AND su.id = r.submitted_by_user_id
        JOIN portal.organisations ps ON ps.tenant_id = r.tenant_id AND ps.id = r.preferred_site_id
        WHERE r.id = \(id)
          AND (r.referrer_user_id = \(reader) OR r.submitted_by_user_id = \(reader))
        """
    }

    static func eventsQuery(_ id: UUID) -> PostgresQuery {
        """
        SELECT e.from_state, e.to_state, e.actor_user_id, a.full_name, e.on_behalf_of_user_id,
               b.full_name, e.at, e.reason
        FROM portal.referral_events e
        JOIN portal.users a ON a.tenant_id = e.tenant_id AND a.id = e.actor_user_id
        LEFT JOIN portal.users b ON b.tenant_id = e.tenant_id AND b.id = e.on_behalf_of_user_id
        WHERE e.referral_id = \(id)
        ORDER BY e.id
        """
    }

    static func relatedQuery(patient: String, except id: UUID, reader: UUID) -> PostgresQuery {
        """
        SELECT r.id, pr.name, r.state, r.created_at
        FROM portal.referrals r
        JOIN portal.procedures pr ON pr.tenant_id = r.tenant_id AND pr.id = r.procedure_id
        WHERE r.patient_id = \(patient)::uuid AND r.id <> \(id)
          AND (r.referrer_user_id = \(reader) OR r.submitted_by_user_id = \(reader))
        ORDER BY r.created_at DESC
        LIMIT 50
        """
    }
}
