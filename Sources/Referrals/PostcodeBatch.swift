import Postgres

/// Records gathered for one INSERT, kept column by column as PostgreSQL array literals'
/// elements, so that a batch goes to the server as one statement with one array a column.
struct PostcodeBatch {
    private var order: [String] = []
    private var records: [String: PostcodeRecord] = [:]

    var count: Int { self.order.count }

    /// Adds a record; a postcode already in the batch is replaced (the later line wins).
    mutating func add(_ record: PostcodeRecord) {
        let key = record.postcode.value
        if self.records.updateValue(record, forKey: key) == nil {
            self.order.append(key)
        }
    }

    func upsert(source: PostcodeSource) -> PostgresQuery {
        let rows = self.order.compactMap { self.records[$0] }
        func column(_ value: (PostcodeRecord) -> String?) -> String {
            Self.arrayLiteral(rows.map(value))
        }
        func number(_ value: Double?) -> String? {
            value.map { String(Int($0)) }
        }

        var binds = PostgresBindings()
        binds.append(column { $0.postcode.value })
        binds.append(column { String($0.positionalQuality) })
        binds.append(column { number($0.grid?.eastings) })
        binds.append(column { number($0.grid?.northings) })
        binds.append(column { $0.position.map { "\($0.latitude)" } })
        binds.append(column { $0.position.map { "\($0.longitude)" } })
        binds.append(column(\.countryCode))
        binds.append(column(\.regionCode))
        binds.append(column(\.countyCode))
        binds.append(column(\.districtCode))
        binds.append(column(\.wardCode))
        binds.append(column(\.nhsRegionCode))
        binds.append(column(\.nhsAreaCode))
        binds.append(column(\.icbCode))
        binds.append(column(\.subICBCode))
        binds.append(column(\.terminatedOn))
        binds.append(source.rawValue)
        return PostgresQuery(unsafeSQL: Self.sql, binds: binds)
    }

    private static let sql = """
        INSERT INTO reference.postcodes AS p (postcode, positional_quality, eastings, northings,
            latitude, longitude, country_code, region_code, county_code, district_code, ward_code,
            nhs_region_code, nhs_area_code, icb_code, sub_icb_code, terminated_on, source,
            imported_at)
        SELECT u.*, $17, now()
        FROM unnest($1::text[], $2::smallint[], $3::integer[], $4::integer[],
                    $5::double precision[], $6::double precision[], $7::text[], $8::text[],
                    $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                    $15::text[], $16::date[]) AS u
        ON CONFLICT (postcode) DO UPDATE SET
            positional_quality = EXCLUDED.positional_quality,
            eastings = EXCLUDED.eastings, northings = EXCLUDED.northings,
            latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
            country_code = coalesce(EXCLUDED.country_code, p.country_code),
            region_code = coalesce(EXCLUDED.region_code, p.region_code),
            county_code = coalesce(EXCLUDED.county_code, p.county_code),
            district_code = coalesce(EXCLUDED.district_code, p.district_code),
            ward_code = coalesce(EXCLUDED.ward_code, p.ward_code),
            nhs_region_code = coalesce(EXCLUDED.nhs_region_code, p.nhs_region_code),
            nhs_area_code = coalesce(EXCLUDED.nhs_area_code, p.nhs_area_code),
            icb_code = coalesce(EXCLUDED.icb_code, p.icb_code),
            sub_icb_code = coalesce(EXCLUDED.sub_icb_code, p.sub_icb_code),
            terminated_on = EXCLUDED.terminated_on,
            source = EXCLUDED.source, imported_at = EXCLUDED.imported_at
        """

    /// A PostgreSQL array literal: each element double-quoted (backslash and quote
    /// escaped), nil as NULL.
    static func arrayLiteral(_ values: [String?]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            guard let value else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in value {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
