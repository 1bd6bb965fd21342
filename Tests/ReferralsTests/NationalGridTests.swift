import Testing

@testable import Referrals

@Suite struct NationalGridTests {
    /// Ordnance Survey's worked example ("A guide to coordinate systems in Great Britain",
    /// annex C.2): E 651409.903, N 313177.270 is 52°39′27.2531″ N, 1°43′04.5177″ E on
    /// OSGB36.
    @Test("the inverse projection reproduces Ordnance Survey's worked example")
    func workedExample() {
        let point = GridReference(eastings: 651409.903, northings: 313177.270).osgb36
        let latitude = 52 + 39 / 60.0 + 27.2531 / 3600
        let longitude = 1 + 43 / 60.0 + 4.5177 / 3600
        // 0.0001″ is 3 mm.
        #expect(abs(point.latitude - latitude) < 0.001 / 3600)
        #expect(abs(point.longitude - longitude) < 0.001 / 3600)
    }

    /// WGS84 positions of Code-Point Open grid references worked out with OSTN15, Ordnance
    /// Survey's definitive transformation (centimetre accuracy); the Helmert transformation
    /// must land within 10 m of each, across England, Wales and Scotland.
    @Test(
        "grid references convert to WGS84 within metres of OSTN15",
        arguments: [
            (651409.903, 313177.270, 52.658006173, 1.716075296),  // Norfolk, the worked example
            (529090, 179645, 51.501010191, -0.141562785),  // SW1A 1AA, London
            (329109, 670436, 55.921754305, -3.135940141),  // EH16 4SA, Edinburgh
            (268618, 844740, 57.473807196, -4.192470327),  // IV2 3UJ, Inverness
            (317518, 179363, 51.507156075, -3.189854659),  // CF14 4XW, Cardiff
            (249930, 59564, 50.416706748, -4.113712345),  // PL6 8DH, Plymouth
            (440505, 1139692, 60.139755148, -1.272560326),  // ZE1 0TE, Lerwick
        ])
    func wgs84(eastings: Double, northings: Double, latitude: Double, longitude: Double) {
        let converted = GridReference(eastings: eastings, northings: northings).wgs84
        let expected = GeoPoint(latitude: latitude, longitude: longitude)
        let metres = converted.miles(to: expected) * 1609.344
        #expect(metres < 10, "\(eastings) \(northings): \(converted), \(metres) m off")
    }

    /// Leeds General Infirmary (LS1 3EX, 53.8019 N 1.5520 W) to York Hospital (YO31 8HE,
    /// 53.9695 N 1.0838 W), by hand: Δφ = 0.1676° = 0.0029252 rad, Δλ = 0.4682° =
    /// 0.0081716 rad, cos φ1 cos φ2 = 0.59058 × 0.58822 = 0.34739;
    /// h = sin²(0.0014626) + 0.34739 × sin²(0.0040858) = 2.1392e-6 + 5.7992e-6 = 7.9384e-6;
    /// d = 2 × 3958.8 × asin(√h) = 7917.6 × 0.0028175 = 22.31 mi.
    @Test("haversine distance in miles matches one worked by hand")
    func haversine() {
        let leeds = GeoPoint(latitude: 53.8019, longitude: -1.5520)
        let york = GeoPoint(latitude: 53.9695, longitude: -1.0838)
        #expect(abs(leeds.miles(to: york) - 22.31) < 0.1)
        #expect(leeds.miles(to: leeds) == 0)
    }
}
