/// What a sites import changed.
public struct SiteImportSummary: Sendable, Equatable, CustomStringConvertible {
    public var added = 0
    public var updated = 0
    /// Active sites the file left out, now inactive.
    public var deactivated = 0
    /// Site-procedure pairs written.
    public var offers = 0

    public init() {}

    public var description: String {
        "\(self.added) added, \(self.updated) updated, \(self.deactivated) deactivated, "
            + "\(self.offers) procedure offer(s)"
    }
}
