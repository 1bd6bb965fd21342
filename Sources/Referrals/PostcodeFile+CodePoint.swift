/// A Code-Point Open line: Postcode, Positional_quality_indicator, Eastings, Northings,
/// Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code,
/// Admin_district_code, Admin_ward_code (the last six optional).
enum CodePointRow {
    static func record(_ fields: [String]) throws(PostcodeImportError) -> PostcodeRecord {
        guard fields.count == 4 || fields.count == 10 else {
            throw PostcodeImportError(
                "has \(fields.count) fields; Code-Point Open has 10 (or 4 when trimmed)")
        }
        let postcode = try PostcodeFields.postcode(fields[0])
        guard let quality = Int(fields[1]), PostcodeRecord.qualities.contains(quality) else {
            throw PostcodeImportError(
                "positional quality \"\(fields[1].prefix(20))\" is not 10, 20, 30, 40, 50, 60, "
                    + "80 or 90")
        }

        var record = PostcodeRecord(postcode: postcode, positionalQuality: quality)
        // Without a position (quality 90) the file gives eastings and northings of 0.
        if quality != 90 {
            record.grid = try PostcodeFields.grid(fields[2], fields[3])
            guard let grid = record.grid else {
                throw PostcodeImportError("has no eastings and northings but quality \(quality)")
            }
            let position = grid.wgs84
            guard PostcodeFields.isInExtent(position) else {
                throw PostcodeImportError("eastings and northings lie outside the UK")
            }
            record.position = position
        }
        if fields.count == 10 {
            record.countryCode = try PostcodeFields.gssCode(fields[4], "country code")
            record.nhsRegionCode = try PostcodeFields.areaCode(fields[5], "NHS regional code")
            record.nhsAreaCode = try PostcodeFields.areaCode(fields[6], "NHS health authority")
            record.countyCode = try PostcodeFields.areaCode(fields[7], "county code")
            record.districtCode = try PostcodeFields.areaCode(fields[8], "district code")
            record.wardCode = try PostcodeFields.areaCode(fields[9], "ward code")
        }
        return record
    }
}
