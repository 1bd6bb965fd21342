import Reactor
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

@Suite struct EventLoopTests {
    @Test func runsWorkOnItsOwnThread() async throws {
        let loop = try EventLoop(name: "test")
        defer { loop.shutdown() }

        #expect(!loop.inEventLoop)
        let onLoop = await loop.submit { loop.inEventLoop }
        #expect(onLoop)
    }

    @Test func tasksPreferringTheLoopStayOnIt() async throws {
        let loop = try EventLoop(name: "test")
        defer { loop.shutdown() }

        let stayed = await Task(executorPreference: loop) {
            var all = loop.inEventLoop
            for _ in 0..<10 {
                await Task.yield()
                all = all && loop.inEventLoop
            }
            return all
        }.value
        #expect(stayed)
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesDoNot() async throws {
        let loop = try EventLoop(name: "test")
        defer { loop.shutdown() }

        let fired: [Int] = await withCheckedContinuation { continuation in
            loop.execute {
                var order: [Int] = []
                loop.schedule(after: .milliseconds(30)) { order.append(3) }
                loop.schedule(after: .milliseconds(10)) { order.append(1) }
                let cancelled = loop.schedule(after: .milliseconds(20)) { order.append(2) }
                loop.cancel(cancelled)
                loop.schedule(after: .milliseconds(50)) { continuation.resume(returning: order) }
            }
        }
        #expect(fired == [1, 3])
    }

    @Test func reportsReadableDescriptors() async throws {
        let loop = try EventLoop(name: "test")
        defer { loop.shutdown() }

        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }

        final class Reader: IOHandler, @unchecked Sendable {
            var continuation: CheckedContinuation<UInt8, Never>?
            let fd: Int32
            let loop: EventLoop
            init(fd: Int32, loop: EventLoop) {
                self.fd = fd
                self.loop = loop
            }
            func handle(_ events: IOEvents) {
                var byte: UInt8 = 0
                _ = read(self.fd, &byte, 1)
                self.loop.deregister(self.fd)
                self.continuation?.resume(returning: byte)
                self.continuation = nil
            }
        }

        let reader = Reader(fd: fds[0], loop: loop)
        let readFD = fds[0]
        let writeFD = fds[1]
        let byte: UInt8 = await withCheckedContinuation { continuation in
            loop.execute {
                reader.continuation = continuation
                try? loop.register(readFD, interest: .readable, handler: reader)
                var value: UInt8 = 42
                _ = write(writeFD, &value, 1)
            }
        }
        #expect(byte == 42)
    }
}

@Suite struct TimerReentryTests {
    @Test func aTimerMayScheduleAndCancelOtherTimers() async throws {
        let loop = try EventLoop(name: "test")
        defer { loop.shutdown() }

        let fired: [String] = await withCheckedContinuation { continuation in
            loop.execute {
                var order: [String] = []
                var doomed: TimerID?
                loop.schedule(after: .milliseconds(5)) {
                    order.append("first")
                    if let doomed { loop.cancel(doomed) }
                    loop.schedule(after: .milliseconds(5)) {
                        order.append("scheduled by first")
                        continuation.resume(returning: order)
                    }
                }
                doomed = loop.schedule(after: .milliseconds(8)) { order.append("cancelled") }
            }
        }
        #expect(fired == ["first", "scheduled by first"])
    }
}

@Suite struct ActorHopTests {
    actor Counter {
        let loop: EventLoop
        var value = 0
        init(loop: EventLoop) { self.loop = loop }
        nonisolated var unownedExecutor: UnownedSerialExecutor { self.loop.asUnownedSerialExecutor() }
        func increment() -> Int {
            self.value += 1
            return self.value
        }
    }

    @Test func aCallerLeavesTheLoopWhenTheActorReturnsAndOutlivesIt() async throws {
        let loop = try EventLoop(name: "test")
        let counter = Counter(loop: loop)

        let value = await counter.increment()
        #expect(!loop.inEventLoop)
        loop.shutdown()

        // After the loop has stopped, the caller still runs and can await other work.
        try await Task.sleep(for: .milliseconds(20))
        await Task.yield()
        #expect(value == 1)
    }
}
