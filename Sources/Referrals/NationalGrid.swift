import Foundation

/// A position on the Ordnance Survey National Grid (OSGB36, Airy 1830 ellipsoid,
/// transverse Mercator), in metres east and north of the grid's false origin, as
/// Code-Point Open gives every postcode.
public struct GridReference: Hashable, Sendable {
    public let eastings: Double
    public let northings: Double

    public init(eastings: Double, northings: Double) {
        self.eastings = eastings
        self.northings = northings
    }

    /// The same place in WGS84 latitude and longitude: the inverse transverse Mercator
    /// projection to OSGB36 latitude and longitude, then a seven-parameter Helmert
    /// transformation to WGS84.
    ///
    /// The Helmert transformation is good to about 5 m across Great Britain (OS's own
    /// OSTN15 grid, which is exact to centimetres, is a 15 MB table not worth carrying for
    /// distances in miles).
    public var wgs84: GeoPoint {
        let osgb36 = self.osgb36
        return NationalGrid.helmertToWGS84(osgb36)
    }

    /// Latitude and longitude on the Airy 1830 ellipsoid (OSGB36 datum), in degrees.
    public var osgb36: GeoPoint {
        NationalGrid.inverseProjection(eastings: self.eastings, northings: self.northings)
    }
}

/// The constants and formulas of "A guide to coordinates systems in Great Britain"
/// (Ordnance Survey), annexes B and C and section 6.
enum NationalGrid {
    /// Airy 1830: semi-major and semi-minor axes in metres.
    static let airy = Ellipsoid(a: 6_377_563.396, b: 6_356_256.909)
    /// GRS80, which WGS84 matches to a fraction of a millimetre.
    static let wgs84 = Ellipsoid(a: 6_378_137.000, b: 6_356_752.3141)
    /// Scale factor on the central meridian.
    static let scale = 0.9996012717
    /// True origin: 49° N, 2° W.
    static let originLatitude = 49.0 * .pi / 180
    static let originLongitude = -2.0 * .pi / 180
    /// Grid coordinates of the true origin.
    static let originEastings = 400_000.0
    static let originNorthings = -100_000.0

    struct Ellipsoid {
        let a: Double
        let b: Double
        var eccentricitySquared: Double { (self.a * self.a - self.b * self.b) / (self.a * self.a) }
    }

    /// Eastings and northings to OSGB36 latitude and longitude (annex C.2).
    static func inverseProjection(eastings: Double, northings: Double) -> GeoPoint {
        let a = Self.airy.a
        let b = Self.airy.b
        let e2 = Self.airy.eccentricitySquared
        let f0 = Self.scale
        let φ0 = Self.originLatitude
        let n = (a - b) / (a + b)

        // Latitude from the meridional arc, refined until it matches the northing (0.01 mm).
        var φ = (northings - Self.originNorthings) / (a * f0) + φ0
        var arc = Self.meridionalArc(φ, b: b, f0: f0, n: n)
        var rounds = 0
        while abs(northings - Self.originNorthings - arc) >= 0.00001, rounds < 20 {
            φ += (northings - Self.originNorthings - arc) / (a * f0)
            arc = Self.meridionalArc(φ, b: b, f0: f0, n: n)
            rounds += 1
        }

        let sinφ = sin(φ)
        let ν = a * f0 / sqrt(1 - e2 * sinφ * sinφ)
        let ρ = a * f0 * (1 - e2) / pow(1 - e2 * sinφ * sinφ, 1.5)
        let η2 = ν / ρ - 1
        let t = tan(φ)
        let t2 = t * t
        let t4 = t2 * t2
        let secφ = 1 / cos(φ)

        let vii = t / (2 * ρ * ν)
        let viii = t / (24 * ρ * pow(ν, 3)) * (5 + 3 * t2 + η2 - 9 * t2 * η2)
        let ix = t / (720 * ρ * pow(ν, 5)) * (61 + 90 * t2 + 45 * t4)
        let x = secφ / ν
        let xi = secφ / (6 * pow(ν, 3)) * (ν / ρ + 2 * t2)
        let xii = secφ / (120 * pow(ν, 5)) * (5 + 28 * t2 + 24 * t4)
        let xiia = secφ / (5040 * pow(ν, 7)) * (61 + 662 * t2 + 1320 * t4 + 720 * t4 * t2)

        let dE = eastings - Self.originEastings
        let latitude = φ - vii * pow(dE, 2) + viii * pow(dE, 4) - ix * pow(dE, 6)
        let longitude =
            Self.originLongitude + x * dE - xi * pow(dE, 3) + xii * pow(dE, 5)
            - xiia * pow(dE, 7)
        return GeoPoint(latitude: latitude * 180 / .pi, longitude: longitude * 180 / .pi)
    }

    /// The developed meridional arc M from the true origin's latitude to `φ` (annex C.1).
    static func meridionalArc(_ φ: Double, b: Double, f0: Double, n: Double) -> Double {
        let φ0 = Self.originLatitude
        let n2 = n * n
        let n3 = n2 * n
        let first = (1 + n + 5 / 4 * n2 + 5 / 4 * n3) * (φ - φ0)
        let second = (3 * n + 3 * n2 + 21 / 8 * n3) * sin(φ - φ0) * cos(φ + φ0)
        let third = (15 / 8 * n2 + 15 / 8 * n3) * sin(2 * (φ - φ0)) * cos(2 * (φ + φ0))
        let fourth = 35 / 24 * n3 * sin(3 * (φ - φ0)) * cos(3 * (φ + φ0))
        return b * f0 * (first - second + third - fourth)
    }

    /// OSGB36 to WGS84: to Cartesian coordinates on Airy 1830, the Helmert transformation
    /// (the published WGS84-to-OSGB36 parameters, negated), back to latitude and longitude
    /// on GRS80. Heights are taken as zero, which moves the result by millimetres.
    static func helmertToWGS84(_ point: GeoPoint) -> GeoPoint {
        let φ = point.latitude * .pi / 180
        let λ = point.longitude * .pi / 180
        let airy = Self.airy
        let ν = airy.a / sqrt(1 - airy.eccentricitySquared * sin(φ) * sin(φ))
        let x1 = ν * cos(φ) * cos(λ)
        let y1 = ν * cos(φ) * sin(λ)
        let z1 = (1 - airy.eccentricitySquared) * ν * sin(φ)

        let arcSecond = Double.pi / (180 * 3600)
        let tx = 446.448
        let ty = -125.157
        let tz = 542.060
        let s = -20.4894e-6
        let rx = 0.1502 * arcSecond
        let ry = 0.2470 * arcSecond
        let rz = 0.8421 * arcSecond
        let x2 = tx + (1 + s) * x1 - rz * y1 + ry * z1
        let y2 = ty + rz * x1 + (1 + s) * y1 - rx * z1
        let z2 = tz - ry * x1 + rx * y1 + (1 + s) * z1

        let target = Self.wgs84
        let e2 = target.eccentricitySquared
        let p = sqrt(x2 * x2 + y2 * y2)
        var latitude = atan2(z2, p * (1 - e2))
        for _ in 0..<10 {
            let νt = target.a / sqrt(1 - e2 * sin(latitude) * sin(latitude))
            let next = atan2(z2 + e2 * νt * sin(latitude), p)
            if abs(next - latitude) < 1e-12 {
                latitude = next
                break
            }
            latitude = next
        }
        let longitude = atan2(y2, x2)
        return GeoPoint(latitude: latitude * 180 / .pi, longitude: longitude * 180 / .pi)
    }
}
