import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A fixed set of event loops, one per core by default, handed out in turn.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let cursor = Atomic<Int>(0)

    public init(count: Int = EventLoopGroup.coreCount, name: String = "loop") throws(ReactorError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, count) {
            loops.append(try EventLoop(name: "\(name)-\(index)"))
        }
        self.loops = loops
    }

    /// The next loop in turn.
    public func next() -> EventLoop {
        let index = self.cursor.add(1, ordering: .relaxed).oldValue
        return self.loops[index % self.loops.count]
    }

    public func shutdown() {
        for loop in self.loops {
            loop.shutdown()
        }
    }

    public static var coreCount: Int {
        #if canImport(Glibc)
            return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 1
        #endif
    }
}
