/// A switchover in progress: the primary is being demoted, then the target promoted.
public struct Switchover: Sendable, Equatable {
    /// Where it stands.
    public enum Stage: Sendable, Equatable {
        /// The primary has been told to demote.
        case demoting
        /// The primary stopped at `finalLSN`; waiting for the target to have it all.
        case waitingForReplay(finalLSN: LSN?)
        /// The target was told to promote in the new term.
        case promoting
    }

    public var from: NodeName
    public var to: NodeName
    public var stage: Stage
    public var startedAt: MonotonicInstant
    /// When the current stage began.
    public var stageStartedAt: MonotonicInstant
    /// When the demotion was first sent (writes stop from here).
    public var demoteSentAt: MonotonicInstant?
    /// The primary's position in its latest report while still running, the final LSN to
    /// wait for should its stopped report carry none.
    public var lastPrimaryLSN: LSN? = nil
}
