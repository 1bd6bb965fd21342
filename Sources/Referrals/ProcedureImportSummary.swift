/// What an import changed in a tenant's catalogue.
public struct ProcedureImportSummary: Sendable, Equatable, CustomStringConvertible {
    /// Procedures new to the catalogue.
    public let added: Int
    /// Procedures already there (by SNOMED CT id), their details replaced by the file's.
    public let updated: Int
    /// Active procedures the file no longer lists, now withdrawn (kept, marked inactive).
    public let withdrawn: Int

    public init(added: Int, updated: Int, withdrawn: Int) {
        self.added = added
        self.updated = updated
        self.withdrawn = withdrawn
    }

    public var description: String {
        "\(self.added) added, \(self.updated) updated, \(self.withdrawn) withdrawn"
    }
}
