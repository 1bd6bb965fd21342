import CLinux
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One thread that owns a set of descriptors, timers and tasks: it waits on epoll, hands
/// readiness to the descriptors' handlers, fires due timers and runs queued work.
///
/// A loop is also a Swift executor. Tasks started with the loop as their executor
/// preference run on the loop's thread, and a continuation resumed there (by a database
/// connection that the same loop owns, say) carries on without changing thread.
public final class EventLoop: @unchecked Sendable {
    /// Work queued from other threads, taken in one swap per turn of the loop.
    private let inbox = Mutex<[Work]>([])
    private let wakePending = Atomic<Bool>(false)
    private let stopRequested = Atomic<Bool>(false)

    private let epoll: Int32
    private let wakeFD: Int32
    /// The loop thread's `pthread_t`, zero until the thread has started.
    private let threadID = Atomic<UInt>(0)

    // State below is touched only on the loop's thread.
    private var ready: [Work] = []
    private var handlers: [(any IOHandler)?] = []
    private var timers = TimerQueue()
    private var events = [clinux_event](repeating: clinux_event(), count: 256)

    public let name: String

    /// Creates the loop and starts its thread.
    public init(name: String = "loop") throws(ReactorError) {
        self.name = name
        let epoll = clinux_epoll_create()
        guard epoll >= 0 else { throw ReactorError.system("epoll_create1") }
        let wakeFD = clinux_eventfd()
        guard wakeFD >= 0 else {
            close(epoll)
            throw ReactorError.system("eventfd")
        }
        guard clinux_epoll_add(epoll, wakeFD, CLINUX_EPOLLIN, UInt64(UInt32.max)) == 0 else {
            close(epoll)
            close(wakeFD)
            throw ReactorError.system("epoll_ctl(eventfd)")
        }
        self.epoll = epoll
        self.wakeFD = wakeFD
        try self.startThread()
    }

    deinit {
        close(self.epoll)
        close(self.wakeFD)
    }

    /// True when the caller runs on this loop's thread.
    public var inEventLoop: Bool {
        pthread_self() == self.threadID.load(ordering: .relaxed)
    }

    /// Runs `work` on the loop's thread, after what is already queued.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.enqueueWork(.closure(work))
    }

    /// Runs `work` on the loop's thread and returns its result to the awaiting caller.
    public func submit<T: Sendable, E: Error>(
        _ work: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await withUnsafeContinuation { continuation in
            self.execute {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Asks the loop to finish the work it has queued and stop its thread.
    public func shutdown() {
        self.stopRequested.store(true, ordering: .releasing)
        self.wake()
    }

    // MARK: Descriptors (loop thread only)

    /// Starts watching `fd` for `interest`, calling `handler` when it is ready.
    public func register(
        _ fd: Int32, interest: IOEvents, handler: any IOHandler
    ) throws(ReactorError) {
        self.assertInEventLoop()
        if Int(fd) >= self.handlers.count {
            self.handlers.append(contentsOf: repeatElement(nil, count: Int(fd) + 64 - self.handlers.count))
        }
        guard clinux_epoll_add(self.epoll, fd, Self.epollBits(interest), UInt64(fd)) == 0 else {
            throw ReactorError.system("epoll_ctl(add)")
        }
        self.handlers[Int(fd)] = handler
    }

    /// Changes what `fd` is watched for.
    public func reregister(_ fd: Int32, interest: IOEvents) throws(ReactorError) {
        self.assertInEventLoop()
        guard clinux_epoll_modify(self.epoll, fd, Self.epollBits(interest), UInt64(fd)) == 0 else {
            throw ReactorError.system("epoll_ctl(modify)")
        }
    }

    /// Stops watching `fd`. Call before closing it.
    public func deregister(_ fd: Int32) {
        self.assertInEventLoop()
        _ = clinux_epoll_remove(self.epoll, fd)
        if Int(fd) < self.handlers.count {
            self.handlers[Int(fd)] = nil
        }
    }

    // MARK: Timers (loop thread only)

    /// Calls `action` on the loop after `delay`, unless cancelled first.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping () -> Void) -> TimerID {
        self.assertInEventLoop()
        return self.timers.add(deadline: Monotonic.now() + delay.nanoseconds, action: action)
    }

    public func cancel(_ timer: TimerID) {
        self.assertInEventLoop()
        self.timers.cancel(timer)
    }

    // MARK: The loop

    private func startThread() throws(ReactorError) {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
                loop.run()
                return nil
            }, box.toOpaque())
        guard status == 0 else {
            box.release()
            throw ReactorError.system("pthread_create")
        }
        pthread_detach(thread)
        while self.threadID.load(ordering: .acquiring) == 0 {
            sched_yield()
        }
    }

    private func run() {
        self.threadID.store(pthread_self(), ordering: .releasing)
        let name = Array(self.name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
        name.withUnsafeBufferPointer { _ = clinux_set_thread_name($0.baseAddress!) }

        while true {
            self.takeInbox()
            self.runReady()
            if self.stopRequested.load(ordering: .acquiring) && self.ready.isEmpty {
                self.takeInbox()
                if self.ready.isEmpty { break }
                continue
            }
            self.wait()
            self.fireDueTimers()
        }
    }

    private func fireDueTimers() {
        let now = Monotonic.now()
        while let action = self.timers.popDue(now: now) {
            action()
        }
    }

    private func wait() {
        var timeout: Int32 = -1
        if !self.ready.isEmpty {
            timeout = 0
        } else if let deadline = self.timers.nextDeadline {
            let remaining = deadline - Monotonic.now()
            timeout = remaining <= 0 ? 0 : Int32(min((remaining + 999_999) / 1_000_000, 60_000))
        }

        let count = self.events.withUnsafeMutableBufferPointer { buffer in
            clinux_epoll_wait(self.epoll, buffer.baseAddress!, Int32(buffer.count), timeout)
        }
        guard count > 0 else { return }

        for index in 0..<Int(count) {
            let event = self.events[index]
            if event.token == UInt64(UInt32.max) {
                _ = clinux_eventfd_drain(self.wakeFD)
                self.wakePending.store(false, ordering: .releasing)
                continue
            }
            let fd = Int(event.token)
            guard fd < self.handlers.count, let handler = self.handlers[fd] else { continue }
            handler.handle(Self.ioEvents(event.events))
        }
    }

    private func takeInbox() {
        let incoming = self.inbox.withLock { queue -> [Work] in
            if queue.isEmpty { return [] }
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        if !incoming.isEmpty {
            self.ready.append(contentsOf: incoming)
        }
    }

    private func runReady() {
        var batch: [Work] = []
        swap(&batch, &self.ready)
        for work in batch {
            switch work {
            case .closure(let body):
                body()
            case .job(let job):
                // Run as the serial executor only. Naming the loop as the task executor too
                // would make every task that merely visited an actor of this loop come back
                // here after the actor returns, and hang once the loop has stopped; a task
                // that prefers the loop keeps that preference in the task itself.
                job.runSynchronously(on: self.asUnownedSerialExecutor())
            }
        }
    }

    private func enqueueWork(_ work: Work) {
        if self.inEventLoop {
            self.ready.append(work)
            return
        }
        self.inbox.withLock { $0.append(work) }
        self.wake()
    }

    private func wake() {
        if self.wakePending.exchange(true, ordering: .acquiringAndReleasing) == false {
            _ = clinux_eventfd_signal(self.wakeFD)
        }
    }

    private func assertInEventLoop() {
        assert(self.inEventLoop, "EventLoop \(self.name) used off its thread")
    }

    private static func epollBits(_ interest: IOEvents) -> UInt32 {
        var bits = CLINUX_EPOLLRDHUP
        if interest.contains(.readable) { bits |= CLINUX_EPOLLIN }
        if interest.contains(.writable) { bits |= CLINUX_EPOLLOUT }
        return bits
    }

    private static func ioEvents(_ bits: UInt32) -> IOEvents {
        var events: IOEvents = []
        if bits & CLINUX_EPOLLIN != 0 { events.insert(.readable) }
        if bits & CLINUX_EPOLLOUT != 0 { events.insert(.writable) }
        if bits & (CLINUX_EPOLLERR | CLINUX_EPOLLHUP | CLINUX_EPOLLRDHUP) != 0 {
            events.insert(.hangup)
        }
        return events
    }
}

/// A unit of work queued on a loop.
private enum Work: @unchecked Sendable {
    case closure(() -> Void)
    case job(UnownedJob)
}

extension EventLoop: SerialExecutor, TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        self.enqueueWork(.job(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(self.inEventLoop, "expected to run on event loop \(self.name)")
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
            + attoseconds / 1_000_000_000
    }
}
