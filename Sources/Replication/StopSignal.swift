import Synchronization

/// A flag a daemon's threads poll between steps (and while waiting, once a second) to learn
/// that the process is stopping.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A signal not yet raised.
    public init() {}

    /// Raises the signal; every thread polling it winds down.
    public func stop() { self.flag.store(true, ordering: .releasing) }

    /// Whether the daemon is stopping.
    public var isStopped: Bool { self.flag.load(ordering: .acquiring) }
}
