/// What the coordinator must never forget, written to its state file before any decision
/// is acted on: the term, the primary, which standbys are promotable, the synchronous
/// names the primary was told, and the recent decisions.
public struct DurableState: Sendable, Equatable, Codable {
    /// The file format this code writes and reads.
    public static let currentVersion = 1
    /// How many decisions the file keeps.
    public static let historyLength = 20

    public var version: Int
    public var term: Term
    public var primary: NodeName?
    /// Standbys known to hold everything the primary acknowledged.
    public var promotable: [NodeName]
    public var synchronousStandbyNames: String
    /// The latest decisions, oldest first.
    public var decisions: [Decision.Record]

    /// The state of a coordinator that has never decided anything.
    public init() {
        self.version = Self.currentVersion
        self.term = Term(0)
        self.primary = nil
        self.promotable = []
        self.synchronousStandbyNames = ""
        self.decisions = []
    }

    /// True when `node` is recorded as promotable.
    public func isPromotable(_ node: NodeName) -> Bool { self.promotable.contains(node) }

    /// Records `node` as promotable or not, keeping the list sorted and without repeats.
    public mutating func setPromotable(_ node: NodeName, _ promotable: Bool) {
        var set = Set(self.promotable)
        if promotable { set.insert(node) } else { set.remove(node) }
        self.promotable = set.sorted()
    }

    /// Appends `record`, keeping the last ``historyLength``.
    public mutating func remember(_ record: Decision.Record) {
        self.decisions.append(record)
        if self.decisions.count > Self.historyLength {
            self.decisions.removeFirst(self.decisions.count - Self.historyLength)
        }
    }

    /// Throws when the state names nodes the configuration does not have, or is of another
    /// format version: the coordinator must not guess about who is primary.
    public func validate(against nodes: [NodeName], source: String) throws(FailoverError) {
        guard self.version == Self.currentVersion else {
            throw FailoverError(
                .stateFile,
                "\(source) has format version \(self.version); this coordinator reads version "
                    + "\(Self.currentVersion)")
        }
        let named = [self.primary].compactMap { $0 } + self.promotable
        for node in named where !nodes.contains(node) {
            throw FailoverError(
                .stateFile, "\(source) names node \(node), which the configuration does not list")
        }
        if self.primary != nil && self.term == Term(0) {
            throw FailoverError(.stateFile, "\(source) records a primary in term 0")
        }
    }
}
