import Dispatch
import Foundation
import Synchronization

/// Hashing off the caller's thread. A hash takes about a tenth of a second of CPU: run on
/// an event loop it would stall every connection the loop serves, so the API should call
/// these. They run on one serial queue per processor, which also bounds how many hashes
/// (and their 32 MiB each) run at once; further requests wait their turn in order.
extension PasswordHasher {
    /// `hash(_:)` on a hashing queue.
    public func hashInBackground(_ password: String) async throws(SecurityError) -> String {
        try await HashingQueues.shared.run { () throws(SecurityError) in try self.hash(password) }
    }

    /// `verify(_:against:)` on a hashing queue.
    public func verifyInBackground(
        _ password: String, against stored: String
    ) async throws(SecurityError) -> Bool {
        try await HashingQueues.shared.run { () throws(SecurityError) in
            try self.verify(password, against: stored)
        }
    }

    /// `verifyUnknownUser(_:)` on a hashing queue.
    public func verifyUnknownUserInBackground(
        _ password: String
    ) async throws(SecurityError) -> Bool {
        try await HashingQueues.shared.run { () throws(SecurityError) in
            try self.verifyUnknownUser(password)
        }
    }
}

/// One serial queue per processor, used in turn.
final class HashingQueues: Sendable {
    static let shared = HashingQueues(count: ProcessInfo.processInfo.activeProcessorCount)

    private let queues: [DispatchQueue]
    private let next = Atomic<Int>(0)

    init(count: Int) {
        self.queues = (0..<max(1, count)).map {
            DispatchQueue(label: "portal.password-hashing.\($0)")
        }
    }

    func run<Value: Sendable>(
        _ work: @escaping @Sendable () throws(SecurityError) -> Value
    ) async throws(SecurityError) -> Value {
        let index = self.next.add(1, ordering: .relaxed).oldValue
        let queue = self.queues[abs(index % self.queues.count)]
        let result: Result<Value, SecurityError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(SecurityError) in try work() })
            }
        }
        return try result.get()
    }
}
