import Foundation

/// Where the ONS Postcode Directory's columns are, found by name in its header row
/// (case-insensitive), so that releases which add or move columns still read.
struct ONSPDColumns {
    let postcode: Int
    let quality: Int
    let latitude: Int
    let longitude: Int
    let eastings: Int?
    let northings: Int?
    let terminated: Int?
    let country: Int?
    let region: Int?
    let county: Int?
    let district: Int?
    let ward: Int?
    let nhsRegion: Int?
    let nhsArea: Int?
    let icb: Int?
    let subICB: Int?
    let width: Int

    /// ONSPD's latitude for a postcode without a grid reference.
    static let noLatitude = 99.999999

    init(header: [String]) throws(PostcodeImportError) {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ candidates: String...) -> Int? {
            candidates.lazy.compactMap { names.firstIndex(of: $0) }.first
        }
        func required(_ candidates: String...) throws(PostcodeImportError) -> Int {
            guard let index = candidates.lazy.compactMap({ names.firstIndex(of: $0) }).first else {
                throw PostcodeImportError(
                    "the header has no \(candidates.joined(separator: " or ")) column; "
                        + "is this the ONS Postcode Directory?")
            }
            return index
        }
        self.postcode = try required("pcds", "pcd", "pcd2")
        self.quality = try required("osgrdind")
        self.latitude = try required("lat")
        self.longitude = try required("long")
        self.eastings = column("oseast1m")
        self.northings = column("osnrth1m")
        self.terminated = column("doterm")
        self.country = column("ctry")
        self.region = column("rgn")
        self.county = column("oscty")
        self.district = column("oslaua")
        self.ward = column("osward")
        self.nhsRegion = column("nhser")
        self.nhsArea = column("oshlthau")
        self.icb = column("icb")
        self.subICB = column("sicbl", "ccg")
        self.width = names.count
    }

    func record(_ fields: [String]) throws(PostcodeImportError) -> PostcodeRecord {
        guard fields.count == self.width else {
            throw PostcodeImportError(
                "has \(fields.count) fields but the header names \(self.width)")
        }
        func value(_ index: Int?) -> String {
            index.map { fields[$0].trimmingCharacters(in: .whitespaces) } ?? ""
        }

        let postcode = try PostcodeFields.postcode(fields[self.postcode])
        let indicator = value(self.quality)
        guard let grade = Int(indicator), PostcodeRecord.qualities.contains(grade * 10) else {
            throw PostcodeImportError(
                "osgrdind \"\(indicator.prefix(20))\" is not 1 to 6, 8 or 9")
        }
        var record = PostcodeRecord(postcode: postcode, positionalQuality: grade * 10)
        record.countryCode = try PostcodeFields.gssCode(value(self.country), "ctry")
        record.regionCode = try PostcodeFields.gssCode(value(self.region), "rgn")
        record.countyCode = try PostcodeFields.areaCode(value(self.county), "oscty")
        record.districtCode = try PostcodeFields.areaCode(value(self.district), "oslaua")
        record.wardCode = try PostcodeFields.areaCode(value(self.ward), "osward")
        record.nhsRegionCode = try PostcodeFields.areaCode(value(self.nhsRegion), "nhser")
        record.nhsAreaCode = try PostcodeFields.areaCode(value(self.nhsArea), "oshlthau")
        record.icbCode = try PostcodeFields.gssCode(value(self.icb), "icb")
        record.subICBCode = try PostcodeFields.gssCode(value(self.subICB), "sicbl")
        record.terminatedOn = try Self.month(value(self.terminated))

        let latitudeText = value(self.latitude)
        let longitudeText = value(self.longitude)
        guard let latitude = Double(latitudeText), let longitude = Double(longitudeText) else {
            throw PostcodeImportError(
                "lat \"\(latitudeText.prefix(20))\" and long \"\(longitudeText.prefix(20))\" "
                    + "are not numbers")
        }
        if grade != 9, latitude != Self.noLatitude {
            let position = GeoPoint(latitude: latitude, longitude: longitude)
            guard PostcodeFields.isInExtent(position) else {
                throw PostcodeImportError("lat and long lie outside the UK")
            }
            record.position = position
            // Northern Ireland's grid references are on the Irish Grid, not the National
            // Grid: left out rather than stored under the wrong datum.
            if record.countryCode != "N92000002" {
                record.grid = try PostcodeFields.grid(value(self.eastings), value(self.northings))
            }
        }
        return record
    }

    /// "201906" to "2019-06-01"; nil when empty.
    static func month(_ text: String) throws(PostcodeImportError) -> String? {
        guard !text.isEmpty else { return nil }
        guard text.count == 6, let year = Int(text.prefix(4)), let month = Int(text.suffix(2)),
            (1980...2100).contains(year), (1...12).contains(month)
        else {
            throw PostcodeImportError("doterm \"\(text.prefix(20))\" is not a month (YYYYMM)")
        }
        return "\(text.prefix(4))-\(text.suffix(2))-01"
    }
}
