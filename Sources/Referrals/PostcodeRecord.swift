import Foundation

/// One row of the postcode table (`reference.postcodes`), as read from a source file.
public struct PostcodeRecord: Sendable, Equatable {
    public var postcode: Postcode
    /// Code-Point Open's positional quality indicator: 10 best, 90 no position.
    public var positionalQuality: Int
    public var grid: GridReference?
    public var position: GeoPoint?
    public var countryCode: String?
    public var regionCode: String?
    public var countyCode: String?
    public var districtCode: String?
    public var wardCode: String?
    public var nhsRegionCode: String?
    public var nhsAreaCode: String?
    public var icbCode: String?
    public var subICBCode: String?
    /// The first day of the month of termination ("2019-06-01"), nil while live.
    public var terminatedOn: String?

    public init(postcode: Postcode, positionalQuality: Int) {
        self.postcode = postcode
        self.positionalQuality = positionalQuality
    }

    /// The quality indicators the sources use, on Code-Point Open's scale.
    static let qualities: Set<Int> = [10, 20, 30, 40, 50, 60, 80, 90]
}
