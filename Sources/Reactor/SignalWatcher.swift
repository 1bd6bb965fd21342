import CLinux

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Delivers process signals (SIGTERM, SIGINT) on an event loop through a signalfd, instead
/// of in an asynchronous handler where almost nothing is safe to do.
///
/// For the signalfd to see a signal, no thread may have it unblocked: call `block(_:)` on
/// the main thread before any other thread starts (threads inherit the mask).
public final class SignalWatcher: IOHandler, @unchecked Sendable {
    private let fd: Int32
    private let loop: EventLoop
    private let onSignal: @Sendable (Int32) -> Void

    /// Blocks `signals` in the calling thread and in every thread it starts afterwards.
    public static func block(_ signals: [Int32]) throws(ReactorError) {
        let status = signals.withUnsafeBufferPointer {
            clinux_block_signals($0.baseAddress, Int32($0.count))
        }
        guard status == 0 else { throw ReactorError.system("pthread_sigmask") }
    }

    /// Starts watching `signals` on `loop`; `onSignal` runs on the loop for each delivery.
    public init(
        signals: [Int32], loop: EventLoop, onSignal: @escaping @Sendable (Int32) -> Void
    ) throws(ReactorError) {
        let fd = signals.withUnsafeBufferPointer {
            clinux_signalfd($0.baseAddress, Int32($0.count))
        }
        guard fd >= 0 else { throw ReactorError.system("signalfd") }
        self.fd = fd
        self.loop = loop
        self.onSignal = onSignal
        loop.execute { [self] in
            do {
                try self.loop.register(self.fd, interest: .readable, handler: self)
            } catch {
                close(self.fd)
            }
        }
    }

    public func handle(_ events: IOEvents) {
        while true {
            let signal = clinux_signalfd_read(self.fd)
            guard signal > 0 else { return }
            self.onSignal(signal)
        }
    }
}
