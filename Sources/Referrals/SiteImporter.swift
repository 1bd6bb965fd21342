import Foundation
import Postgres
import Tenancy

/// Loads a checked sites file into one tenant's scanning sites, in one transaction: each
/// site's organisation row (kind scanning_site, keyed by ODS code), its details with the
/// position of its postcode, and the procedures it offers. Active sites the file leaves
/// out are made inactive, never deleted, so referrals naming them still resolve.
///
/// Runs on an operator's connection (a superuser or a member of portal_owner), like the
/// procedure import: inside the tenant's transaction it switches to portal_owner, whose
/// policies confine it to that tenant's scanning sites.
public enum SiteImporter {
    /// Replaces `tenant`'s sites with `file`'s over `connection`, which the caller must not
    /// use for anything else meanwhile. A postcode missing from the postcode table, an
    /// unknown procedure or one whose modality the site lacks is an issue naming its line.
    public static func load(
        _ file: SiteFile, tenant: TenantID, connection: PostgresConnection
    ) async throws -> SiteImportSummary {
        try await connection.withTenant(tenant) { transaction in
            try await Self.database { () async throws(PostgresError) in
                _ = try await transaction.query("SET LOCAL ROLE portal_owner")
            }
            let positions = try await Self.positions(file, transaction)
            let catalogue = try await Self.catalogue(transaction)

            var issues: [SiteImportError.Issue] = []
            var offers: [String: [UUID]] = [:]
            for entry in file.entries {
                if positions[entry.postcode.value] == nil {
                    issues.append(
                        .init(
                            line: entry.line,
                            "postcode \(entry.postcode) is not in the postcode table (or has no "
                                + "position); import postcodes first"))
                }
                switch catalogue.offers(entry) {
                case .success(let ids): offers[entry.odsCode] = ids
                case .failure(let problems):
                    issues += problems.map { .init(line: entry.line, $0) }
                }
            }
            guard issues.isEmpty else {
                throw SiteImportError(
                    "the sites file has errors; nothing was changed", issues: issues)
            }

            var summary = SiteImportSummary()
            for entry in file.entries {
                let position = positions[entry.postcode.value]!
                let added = try await Self.store(entry, at: position, transaction)
                if added { summary.added += 1 } else { summary.updated += 1 }
                summary.offers += try await Self.offer(
                    entry, offers[entry.odsCode] ?? [], transaction)
            }
            summary.deactivated = try await Self.deactivate(
                keeping: file.entries.map(\.odsCode), transaction)
            return summary
        }
    }

    /// The positions of the file's postcodes, by postcode.
    private static func positions(
        _ file: SiteFile, _ transaction: TenantTransaction
    ) async throws(SiteImportError) -> [String: GeoPoint] {
        let postcodes = PostcodeBatch.arrayLiteral(file.entries.map(\.postcode.value))
        let rows = try await Self.database { () async throws(PostgresError) in
            try await transaction.query(
                """
                SELECT postcode, latitude, longitude FROM reference.postcodes
                WHERE postcode = ANY(\(postcodes)::text[]) AND latitude IS NOT NULL
                """)
        }
        var positions: [String: GeoPoint] = [:]
        for row in rows {
            let (postcode, latitude, longitude) = try Self.decoding { () throws(PostgresError) in
                (
                    try row.decode(String.self, at: 0), try row.decode(Double.self, at: 1),
                    try row.decode(Double.self, at: 2)
                )
            }
            positions[postcode] = GeoPoint(latitude: latitude, longitude: longitude)
        }
        return positions
    }

    /// The tenant's active procedures.
    private static func catalogue(
        _ transaction: TenantTransaction
    ) async throws(SiteImportError) -> SiteCatalogue {
        let rows = try await Self.database { () async throws(PostgresError) in
            try await transaction.query(
                "SELECT id, snomed_ct_id, modality FROM portal.procedures WHERE active")
        }
        var catalogue = SiteCatalogue()
        for row in rows {
            let (id, snomed, modality) = try Self.decoding { () throws(PostgresError) in
                (
                    try row.decode(UUID.self, at: 0), try row.decode(String.self, at: 1),
                    try row.decode(String.self, at: 2)
                )
            }
            if let modality = Modality(rawValue: modality) {
                catalogue.procedures[snomed] = (id, modality)
            }
        }
        return catalogue
    }

    /// Upserts the organisation and the site; true when the site is new.
    private static func store(
        _ entry: SiteEntry, at position: GeoPoint, _ transaction: TenantTransaction
    ) async throws(SiteImportError) -> Bool {
        let address = PostcodeBatch.arrayLiteral(entry.addressLines)
        let modalities = PostcodeBatch.arrayLiteral(entry.modalities.map(\.rawValue))
        let rows = try await Self.database(line: entry.line) { () async throws(PostgresError) in
            try await transaction.query(
                """
                WITH organisation AS (
                    INSERT INTO portal.organisations AS o
                        (tenant_id, kind, ods_code, name, address_lines, town, postcode)
                    VALUES (portal.current_tenant(), 'scanning_site', \(entry.odsCode),
                            \(entry.name), \(address)::text[], \(entry.town),
                            \(entry.postcode.value))
                    ON CONFLICT (tenant_id, ods_code) DO UPDATE SET
                        name = excluded.name, address_lines = excluded.address_lines,
                        town = excluded.town, postcode = excluded.postcode, updated_at = now()
                    RETURNING id
                )
                INSERT INTO portal.scanning_sites AS s (tenant_id, organisation_id, postcode,
                    latitude, longitude, modalities, unit_kind, unit_manager_name,
                    unit_manager_phone, unit_manager_email, active)
                SELECT portal.current_tenant(), id, \(entry.postcode.value), \(position.latitude),
                       \(position.longitude), \(modalities)::text[], \(entry.unit.rawValue),
                       \(entry.managerName), \(entry.managerPhone), \(entry.managerEmail),
                       \(entry.active)
                FROM organisation
                ON CONFLICT (tenant_id, organisation_id) DO UPDATE SET
                    postcode = excluded.postcode, latitude = excluded.latitude,
                    longitude = excluded.longitude, modalities = excluded.modalities,
                    unit_kind = excluded.unit_kind, unit_manager_name = excluded.unit_manager_name,
                    unit_manager_phone = excluded.unit_manager_phone,
                    unit_manager_email = excluded.unit_manager_email, active = excluded.active,
                    updated_at = now()
                RETURNING (xmax = 0)
                """)
        }
        return try Self.decoding { () throws(PostgresError) in
            try rows.first?.decode(Bool.self, at: 0) ?? false
        }
    }

    /// Replaces the site's offers with `procedures`; returns how many.
    private static func offer(
        _ entry: SiteEntry, _ procedures: [UUID], _ transaction: TenantTransaction
    ) async throws(SiteImportError) -> Int {
        let ids = PostcodeBatch.arrayLiteral(procedures.map { $0.uuidString.lowercased() })
        // Two statements: a DELETE and an INSERT of the same keys in one statement would
        // each see the rows as they were, and the INSERT would skip what the DELETE removes.
        let rows = try await Self.database(line: entry.line) { () async throws(PostgresError) in
            _ = try await transaction.query(
                """
                DELETE FROM portal.site_procedures
                WHERE tenant_id = portal.current_tenant()
                  AND site_id = (SELECT id FROM portal.organisations
                                 WHERE tenant_id = portal.current_tenant()
                                   AND ods_code = \(entry.odsCode))
                """)
            return try await transaction.query(
                """
                INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
                SELECT portal.current_tenant(), o.id, procedure
                FROM portal.organisations o, unnest(\(ids)::uuid[]) AS procedure
                WHERE o.tenant_id = portal.current_tenant() AND o.ods_code = \(entry.odsCode)
                """)
        }
        return rows.affectedRows
    }

    /// Makes inactive the tenant's active sites whose ODS code the file leaves out.
    private static func deactivate(
        keeping codes: [String], _ transaction: TenantTransaction
    ) async throws(SiteImportError) -> Int {
        let kept = PostcodeBatch.arrayLiteral(codes)
        let rows = try await Self.database { () async throws(PostgresError) in
            try await transaction.query(
                """
                UPDATE portal.scanning_sites s SET active = false, updated_at = now()
                FROM portal.organisations o
                WHERE s.tenant_id = portal.current_tenant() AND s.active
                  AND o.tenant_id = s.tenant_id AND o.id = s.organisation_id
                  AND o.ods_code <> ALL(\(kept)::text[])
                """)
        }
        return rows.affectedRows
    }

    static func database<Value>(
        line: Int? = nil, _ body: () async throws(PostgresError) -> Value
    ) async throws(SiteImportError) -> Value {
        do {
            return try await body()
        } catch {
            // An ODS code already used by an organisation that is not a scanning site is
            // outside portal_owner's policy, so its upsert is refused for row-level security.
            if let line, error.sqlState == "42501" {
                throw SiteImportError(
                    "the sites file has errors; nothing was changed",
                    issues: [
                        .init(
                            line: line,
                            "ods_code belongs to an organisation of the tenant that is not a "
                                + "scanning site")
                    ])
            }
            throw SiteImportError(
                "the database refused the sites; nothing was changed", underlying: error)
        }
    }

    static func decoding<Value>(
        _ body: () throws(PostgresError) -> Value
    ) throws(SiteImportError) -> Value {
        do {
            return try body()
        } catch {
            throw SiteImportError("could not read the database's answer", underlying: error)
        }
    }
}

/// The tenant's active procedures, by SNOMED CT id, for checking what sites offer.
struct SiteCatalogue {
    var procedures: [String: (id: UUID, modality: Modality)] = [:]

    /// The procedure ids `entry` offers, or the problems with its list.
    func offers(_ entry: SiteEntry) -> Result<[UUID], SiteOfferProblems> {
        switch entry.offer {
        case .all:
            let ids = self.procedures.values.filter { entry.modalities.contains($0.modality) }
                .map(\.id)
            return .success(ids)
        case .procedures(let codes):
            var ids: [UUID] = []
            var problems: [String] = []
            for code in codes {
                guard let procedure = self.procedures[code] else {
                    problems.append("procedures: \(code) is not in the tenant's catalogue")
                    continue
                }
                guard entry.modalities.contains(procedure.modality) else {
                    problems.append(
                        "procedures: \(code) needs \(procedure.modality.rawValue), which the "
                            + "site's modalities leave out")
                    continue
                }
                ids.append(procedure.id)
            }
            return problems.isEmpty ? .success(ids) : .failure(SiteOfferProblems(problems))
        }
    }
}

/// What is wrong with a site's list of procedures, one message a procedure.
struct SiteOfferProblems: Error, Sequence {
    let messages: [String]

    init(_ messages: [String]) { self.messages = messages }

    func makeIterator() -> IndexingIterator<[String]> { self.messages.makeIterator() }
}
