/// The tenant's thresholds for the safety rules (`portal.safety_rules`). The defaults here
/// are the column defaults of migrations/0008_referrals.sql, where each is justified; a
/// tenant without a row of its own uses them.
public struct SafetyThresholds: Sendable, Equatable {
    /// An eGFR below this (mL/min/1.73 m²) with contrast goes to a radiologist.
    public var egfrReviewBelow = 30
    /// An eGFR result older than this many days with contrast goes to a radiologist.
    public var egfrMaximumAgeDays = 90
    /// A blood glucose above this (mmol/L) before PET-CT goes to a radiologist.
    public var petGlucoseReviewAbove = 11.0
    /// A weight above this (kg), the scanner table's limit, goes to a radiologist.
    public var tableLimitKg = 200.0
    /// Chemotherapy within this many days before PET-CT goes to a radiologist.
    public var chemotherapyReviewDays = 21
    /// Radiotherapy within this many days before PET-CT goes to a radiologist.
    public var radiotherapyReviewDays = 84

    public init() {}
}
