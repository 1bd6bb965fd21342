import Foundation

/// A place on the WGS84 ellipsoid in decimal degrees, as GPS and web maps use it.
public struct GeoPoint: Hashable, Sendable, Codable {
    /// The mean radius of the Earth in statute miles, the one great-circle distances use.
    public static let earthRadiusMiles = 3958.8

    /// Degrees north of the equator (negative south).
    public let latitude: Double
    /// Degrees east of Greenwich (negative west).
    public let longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance to `other` in miles, by the haversine formula on a sphere
    /// of radius 3958.8 mi: within about 0.5 % of the distance on the ellipsoid, closer than
    /// the driving distance a patient cares about anyway.
    public func miles(to other: GeoPoint) -> Double {
        let φ1 = self.latitude * .pi / 180
        let φ2 = other.latitude * .pi / 180
        let Δφ = φ2 - φ1
        let Δλ = (other.longitude - self.longitude) * .pi / 180
        let h = sin(Δφ / 2) * sin(Δφ / 2) + cos(φ1) * cos(φ2) * sin(Δλ / 2) * sin(Δλ / 2)
        return 2 * Self.earthRadiusMiles * asin(min(1, sqrt(h)))
    }
}
