import Foundation
import Postgres
import Tenancy

/// Loads a checked catalogue file into one tenant's `portal.procedures`, all of it in one
/// transaction: a failure leaves the catalogue as it was.
///
/// Procedures are matched by SNOMED CT id: new ones are added, known ones take the file's
/// details (and are active again), and active ones the file leaves out are withdrawn, never
/// deleted, so that referrals naming them still resolve.
///
/// Runs on an operator's connection (a superuser or a member of portal_owner, as for
/// migrations), not the API's role, which may only read the catalogue: inside the tenant's
/// transaction it switches to portal_owner, whose row-level security policy on the
/// catalogue confines the import to that tenant.
public enum ProcedureImporter {
    /// Replaces `tenant`'s catalogue with `file`'s procedures over `connection`, which the
    /// caller must not use for anything else meanwhile.
    public static func load(
        _ file: ProcedureCatalogueFile, tenant: TenantID, connection: PostgresConnection
    ) async throws -> ProcedureImportSummary {
        let payload: String
        do {
            payload = String(decoding: try JSONEncoder().encode(file.entries), as: UTF8.self)
        } catch {
            throw ProcedureCatalogueError(.invalidFile, "could not encode the catalogue: \(error)")
        }

        return try await connection.withTenant(tenant) { transaction in
            do throws(PostgresError) {
                _ = try await transaction.query("SET LOCAL ROLE portal_owner")
                return try await Self.upsert(payload, transaction)
            } catch {
                throw ProcedureCatalogueError(
                    .database, "the database refused the catalogue; nothing was changed",
                    underlying: error)
            }
        }
    }

    /// Adds and updates from the JSON array `payload`, then withdraws what it leaves out.
    private static func upsert(
        _ payload: String, _ transaction: TenantTransaction
    ) async throws(PostgresError) -> ProcedureImportSummary {
        let rows = try await transaction.query(
            """
            WITH file AS (
                SELECT * FROM pg_catalog.jsonb_to_recordset(\(payload)::jsonb) AS r(
                    snomed_ct_id text, nicip_codes text[], name text, modality text,
                    modality_label text, body_site text, contrast text, synonyms text[],
                    safety_questions text[], pairing_derived boolean, sources text)
            ),
            stored AS (
                INSERT INTO portal.procedures AS p (
                    tenant_id, snomed_ct_id, nicip_codes, name, modality, modality_label,
                    body_site, contrast, synonyms, safety_questions, pairing_derived, sources)
                SELECT portal.current_tenant(), snomed_ct_id, nicip_codes, name, modality,
                       modality_label, body_site, contrast, synonyms, safety_questions,
                       pairing_derived, sources
                FROM file
                ON CONFLICT (tenant_id, snomed_ct_id) DO UPDATE SET
                    nicip_codes = excluded.nicip_codes, name = excluded.name,
                    modality = excluded.modality, modality_label = excluded.modality_label,
                    body_site = excluded.body_site, contrast = excluded.contrast,
                    synonyms = excluded.synonyms, safety_questions = excluded.safety_questions,
                    pairing_derived = excluded.pairing_derived, sources = excluded.sources,
                    active = true, updated_at = now()
                RETURNING (xmax = 0) AS added
            ),
            withdrawn AS (
                UPDATE portal.procedures SET active = false, updated_at = now()
                WHERE tenant_id = portal.current_tenant() AND active
                  AND snomed_ct_id NOT IN (SELECT snomed_ct_id FROM file)
                RETURNING 1
            )
            SELECT (SELECT count(*) FILTER (WHERE added) FROM stored),
                   (SELECT count(*) FILTER (WHERE NOT added) FROM stored),
                   (SELECT count(*) FROM withdrawn)
            """)
        guard let row = rows.first else {
            throw PostgresError(code: .decoding, message: "the import returned no counts")
        }
        let (added, updated, withdrawn) = try row.decode((Int64, Int64, Int64).self)
        return ProcedureImportSummary(
            added: Int(added), updated: Int(updated), withdrawn: Int(withdrawn))
    }
}
