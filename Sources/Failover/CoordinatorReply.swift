/// The coordinator's answer to a heartbeat: the current term and primary, the lease for
/// this agent if it holds one, what the agent must do now, and (for the primary) the
/// `synchronous_standby_names` it must apply.
public struct CoordinatorReply: Sendable, Equatable, Codable {
    /// A lease granted to the agent: valid for `validForMilliseconds` from the moment the
    /// agent sent its request (the coordinator counts from receipt, so the agent's copy
    /// always ends first).
    public struct LeaseGrant: Sendable, Equatable, Codable {
        public var holder: NodeName
        public var validForMilliseconds: Int

        /// A value with every field given.
        public init(holder: NodeName, validForMilliseconds: Int) {
            self.holder = holder
            self.validForMilliseconds = validForMilliseconds
        }
    }

    public var term: Term
    /// The node the coordinator considers primary; nil before the first election.
    public var primary: NodeName?
    public var lease: LeaseGrant?
    public var action: Action
    /// What the primary must set; empty means no synchronous standby (writes go on alone).
    public var synchronousStandbyNames: String

    /// A value with every field given.
    public init(
        term: Term, primary: NodeName?, lease: LeaseGrant?, action: Action,
        synchronousStandbyNames: String
    ) {
        self.term = term
        self.primary = primary
        self.lease = lease
        self.action = action
        self.synchronousStandbyNames = synchronousStandbyNames
    }

    private enum CodingKeys: String, CodingKey {
        case term, primary, lease, action, synchronousStandbyNames
    }

    /// Decodes the JSON form, refusing values out of their allowed form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.term = try container.decode(Term.self, forKey: .term)
        self.primary = try container.decodeIfPresent(NodeName.self, forKey: .primary)
        self.lease = try container.decodeIfPresent(LeaseGrant.self, forKey: .lease)
        self.action = try container.decode(Action.self, forKey: .action)
        self.synchronousStandbyNames = try container.decode(
            String.self, forKey: .synchronousStandbyNames)
    }

    /// Encodes the JSON form the protocol uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.term, forKey: .term)
        try container.encode(self.primary, forKey: .primary)
        try container.encode(self.lease, forKey: .lease)
        try container.encode(self.action, forKey: .action)
        try container.encode(self.synchronousStandbyNames, forKey: .synchronousStandbyNames)
    }
}
