import Foundation
import Synchronization

/// Hashing off the caller's thread. A hash takes about a tenth of a second of CPU: run on
/// an event loop it would stall every connection the loop serves, so the API calls these.
/// They run on threads of their own, one per processor, which bounds how many hashes (and
/// their 32 MiB each) run at once; further requests wait their turn in order.
extension PasswordHasher {
    /// `hash(_:)` on a hashing queue.
    public func hashInBackground(_ password: String) async throws(SecurityError) -> String {
        try await HashingThreads.shared.run { () throws(SecurityError) in try self.hash(password) }
    }

    /// `verify(_:against:)` on a hashing queue.
    public func verifyInBackground(
        _ password: String, against stored: String
    ) async throws(SecurityError) -> Bool {
        try await HashingThreads.shared.run { () throws(SecurityError) in
            try self.verify(password, against: stored)
        }
    }

    /// `verifyUnknownUser(_:)` on a hashing queue.
    public func verifyUnknownUserInBackground(
        _ password: String
    ) async throws(SecurityError) -> Bool {
        try await HashingThreads.shared.run { () throws(SecurityError) in
            try self.verifyUnknownUser(password)
        }
    }
}

/// A fixed set of threads that take hashes from one queue, oldest first.
///
/// Not dispatch queues: on Linux, dispatch's worker threads also run Swift's global
/// executor, and seconds of hashing there delay every task of the process.
final class HashingThreads: @unchecked Sendable {
    static let shared = HashingThreads(count: ProcessInfo.processInfo.activeProcessorCount)

    // `pending` is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []

    init(count: Int) {
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in self.serve() }
            thread.name = "password-hash-\(index)"
            thread.start()
        }
    }

    func run<Value: Sendable>(
        _ work: @escaping @Sendable () throws(SecurityError) -> Value
    ) async throws(SecurityError) -> Value {
        let result: Result<Value, SecurityError> = await withCheckedContinuation { continuation in
            self.submit {
                continuation.resume(returning: Result { () throws(SecurityError) in try work() })
            }
        }
        return try result.get()
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        self.condition.lock()
        self.pending.append(job)
        self.condition.signal()
        self.condition.unlock()
    }

    /// One thread's life: wait for a job, run it, repeat.
    private func serve() {
        while true {
            self.condition.lock()
            while self.pending.isEmpty {
                self.condition.wait()
            }
            let job = self.pending.removeFirst()
            self.condition.unlock()

            job()
        }
    }
}
