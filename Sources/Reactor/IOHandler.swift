/// What an event loop tells a registered descriptor's owner.
public struct IOEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = IOEvents(rawValue: 1 << 0)
    public static let writable = IOEvents(rawValue: 1 << 1)
    /// The peer closed or the descriptor failed; reading will say how.
    public static let hangup = IOEvents(rawValue: 1 << 2)
}

/// The owner of a descriptor registered with an event loop. Called on the loop's thread only.
public protocol IOHandler: AnyObject {
    func handle(_ events: IOEvents)
}
