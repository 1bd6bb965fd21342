import Foundation
import Postgres
import Tenancy

/// Reads a tenant's scanning sites: the nearest that offer a procedure, and the full list.
///
/// Nearest sites are one statement: the patient's postcode by its primary key, then, for
/// the sites offering the procedure (found through site_procedures' (tenant, procedure)
/// index), the haversine distance of each, nearest first. A tenant has tens of sites, so
/// computing every distance is cheaper than any spatial index would be.
public enum SiteDirectory {
    /// How many sites `nearest` returns unless told otherwise.
    public static let defaultLimit = 5

    /// The nearest active sites of the transaction's tenant that offer `procedure`, to the
    /// patient's postcode as typed (any case and spacing). Throws `malformedPostcode`,
    /// `unknownPostcode`, `postcodeWithoutPosition` or `unknownProcedure`; a procedure that
    /// no site offers gives an empty list.
    public static func nearest(
        to postcodeText: String, procedure: UUID, limit: Int = SiteDirectory.defaultLimit,
        in transaction: TenantTransaction
    ) async throws(SiteSearchError) -> NearestSites {
        guard let postcode = Postcode(postcodeText) else {
            throw SiteSearchError(
                .malformedPostcode, "\"\(postcodeText.prefix(20))\" is not a UK postcode")
        }
        var binds = PostgresBindings()
        binds.append(procedure)
        binds.append(limit)
        binds.append(postcode.value)
        let query = PostgresQuery(unsafeSQL: Self.nearestSQL, binds: binds)
        let rows = try await Self.database { () async throws(PostgresError) in
            try await transaction.query(query)
        }
        guard let first = rows.first else {
            throw SiteSearchError(
                .unknownPostcode, "\(postcode) is not in the postcode table")
        }
        let (latitude, longitude, knownProcedure) = try Self.decoding {
            () throws(PostgresError) in
            (
                try first.decode(Double?.self, at: 0), try first.decode(Double?.self, at: 1),
                try first.decode(Bool.self, at: 2)
            )
        }
        guard let latitude, let longitude else {
            throw SiteSearchError(
                .postcodeWithoutPosition, "\(postcode) has no position in the postcode table")
        }
        guard knownProcedure else {
            throw SiteSearchError(.unknownProcedure, "no procedure of the catalogue has this id")
        }

        var sites: [NearbySite] = []
        for row in rows {
            guard let site = try Self.site(row, from: 6) else { continue }
            let miles = try Self.decoding { () throws(PostgresError) in
                try row.decode(Double.self, at: 6 + Self.siteColumnCount)
            }
            sites.append(NearbySite(site: site, miles: miles))
        }
        return NearestSites(
            postcode: postcode, position: GeoPoint(latitude: latitude, longitude: longitude),
            sites: sites, attribution: try Self.attribution(first, from: 3))
    }

    /// Patient position, whether the procedure exists, attribution, then sites: $1 the
    /// procedure, $2 the limit, $3 the postcode.
    static let nearestSQL = """
        SELECT p.latitude, p.longitude,
               EXISTS (SELECT FROM portal.procedures
                       WHERE tenant_id = portal.current_tenant() AND id = $1),
               \(SiteDirectory.attributionColumns),
               \(SiteDirectory.siteColumns("n")), n.miles
        FROM reference.postcodes p
        LEFT JOIN LATERAL (
            SELECT s.*, 2 * 3958.8 * asin(least(1, sqrt(
                       power(sin(radians(s.latitude - p.latitude) / 2), 2)
                       + cos(radians(p.latitude)) * cos(radians(s.latitude))
                         * power(sin(radians(s.longitude - p.longitude) / 2), 2))))
                       AS miles
            FROM portal.site_procedures sp
            JOIN portal.scanning_sites s
              ON s.tenant_id = sp.tenant_id AND s.organisation_id = sp.site_id
            WHERE sp.tenant_id = portal.current_tenant() AND sp.procedure_id = $1
              AND s.active AND p.latitude IS NOT NULL
            ORDER BY miles, s.organisation_id
            LIMIT $2
        ) n ON true
        LEFT JOIN portal.organisations o
          ON o.tenant_id = n.tenant_id AND o.id = n.organisation_id
        WHERE p.postcode = $3
        ORDER BY n.miles
        """

    /// Every site of the transaction's tenant, active or not, by name; and the attribution
    /// of the postcode data their positions come from.
    public static func all(
        in transaction: TenantTransaction
    ) async throws(SiteSearchError) -> (sites: [ScanningSite], attribution: PostcodeAttribution) {
        let query = PostgresQuery(unsafeSQL: Self.allSQL)
        let rows = try await Self.database { () async throws(PostgresError) in
            try await transaction.query(query)
        }
        var sites: [ScanningSite] = []
        for row in rows {
            if let site = try Self.site(row, from: 3) { sites.append(site) }
        }
        let attribution =
            try rows.first.map { row throws(SiteSearchError) in try Self.attribution(row, from: 0) }
            ?? PostcodeAttribution(
                licence: PostcodeSource.licence, licenceURL: PostcodeSource.licenceURL, lines: [])
        return (sites, attribution)
    }

    /// Attribution, then every site (one row of NULL sites when there is none).
    static let allSQL = """
        SELECT \(SiteDirectory.attributionColumns), \(SiteDirectory.siteColumns("s"))
        FROM (SELECT 1) AS one
        LEFT JOIN portal.scanning_sites s ON s.tenant_id = portal.current_tenant()
        LEFT JOIN portal.organisations o
          ON o.tenant_id = s.tenant_id AND o.id = s.organisation_id
        ORDER BY o.name, o.ods_code
        """

    /// Unit separator: joins array elements into one text column, which never holds it.
    static let separator = "\u{1F}"

    /// Three columns: licence, licence URL, and every source's attribution lines.
    static let attributionColumns = """
        (SELECT min(licence) FROM reference.postcode_sources),
        (SELECT min(licence_url) FROM reference.postcode_sources),
        (SELECT string_agg(DISTINCT line, E'\\x1f') FROM reference.postcode_sources,
             unnest(attribution) AS line)
        """

    static let siteColumnCount = 14

    /// The site's columns, from scanning_sites aliased `alias` and organisations `o`.
    static func siteColumns(_ alias: String) -> String {
        """
        \(alias).organisation_id, o.ods_code, o.name, array_to_string(o.address_lines, E'\\x1f'),
        o.town, \(alias).postcode, \(alias).latitude, \(alias).longitude,
        array_to_string(\(alias).modalities, E'\\x1f'), \(alias).unit_kind,
        \(alias).unit_manager_name, \(alias).unit_manager_phone, \(alias).unit_manager_email,
        \(alias).active
        """
    }

    static func site(_ row: PostgresRow, from start: Int) throws(SiteSearchError) -> ScanningSite? {
        try Self.decoding { () throws(PostgresError) -> ScanningSite? in
            guard let id = try row.decode(UUID?.self, at: start) else { return nil }
            let text = { (offset: Int) throws(PostgresError) -> String in
                try row.decode(String.self, at: start + offset)
            }
            return ScanningSite(
                id: id, odsCode: try text(1), name: try text(2),
                addressLines: try text(3).components(separatedBy: Self.separator),
                town: try text(4), postcode: try text(5),
                position: GeoPoint(
                    latitude: try row.decode(Double.self, at: start + 6),
                    longitude: try row.decode(Double.self, at: start + 7)),
                modalities: try text(8).components(separatedBy: Self.separator)
                    .compactMap(Modality.init(rawValue:)),
                unit: SiteEntry.Unit(rawValue: try text(9)) ?? .staticUnit,
                managerName: try text(10), managerPhone: try text(11),
                managerEmail: try text(12), active: try row.decode(Bool.self, at: start + 13))
        }
    }

    static func attribution(
        _ row: PostgresRow, from start: Int
    ) throws(SiteSearchError) -> PostcodeAttribution {
        try Self.decoding { () throws(PostgresError) in
            let lines = try row.decode(String?.self, at: start + 2)
            return PostcodeAttribution(
                licence: try row.decode(String?.self, at: start) ?? PostcodeSource.licence,
                licenceURL: try row.decode(String?.self, at: start + 1)
                    ?? PostcodeSource.licenceURL,
                lines: lines?.components(separatedBy: Self.separator) ?? [])
        }
    }

    static func database<Value>(
        _ body: () async throws(PostgresError) -> Value
    ) async throws(SiteSearchError) -> Value {
        do {
            return try await body()
        } catch {
            throw SiteSearchError(.database, "could not read the sites", underlying: error)
        }
    }

    static func decoding<Value>(
        _ body: () throws(PostgresError) -> Value
    ) throws(SiteSearchError) -> Value {
        do {
            return try body()
        } catch {
            throw SiteSearchError(
                .database, "could not read the database's answer", underlying: error)
        }
    }
}
