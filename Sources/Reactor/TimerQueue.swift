#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Identifies a scheduled timer so that it can be cancelled.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// The monotonic clock in nanoseconds.
public enum Monotonic {
    public static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// Timers of one loop, ordered by deadline in a binary heap. Cancelled timers stay in the
/// heap until they come due and are then skipped, which keeps cancellation O(1).
struct TimerQueue {
    private struct Entry {
        let deadline: Int64
        let id: UInt64
    }

    private var heap: [Entry] = []
    private var actions: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 1

    var nextDeadline: Int64? {
        self.heap.first?.deadline
    }

    mutating func add(deadline: Int64, action: @escaping () -> Void) -> TimerID {
        let id = self.nextID
        self.nextID += 1
        self.actions[id] = action
        self.heap.append(Entry(deadline: deadline, id: id))
        self.siftUp(self.heap.count - 1)
        return TimerID(value: id)
    }

    mutating func cancel(_ timer: TimerID) {
        self.actions[timer.value] = nil
    }

    /// Removes and returns the action of the earliest timer whose deadline has passed, or
    /// nil when none is due. The caller runs the action outside the queue, so an action may
    /// itself schedule or cancel timers.
    mutating func popDue(now: Int64) -> (() -> Void)? {
        while let first = self.heap.first, first.deadline <= now {
            self.popFirst()
            if let action = self.actions.removeValue(forKey: first.id) {
                return action
            }
        }
        return nil
    }

    private mutating func popFirst() {
        let last = self.heap.removeLast()
        guard !self.heap.isEmpty else { return }
        self.heap[0] = last
        self.siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].deadline < self.heap[parent].deadline else { return }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.heap.count && self.heap[left].deadline < self.heap[smallest].deadline {
                smallest = left
            }
            if right < self.heap.count && self.heap[right].deadline < self.heap[smallest].deadline {
                smallest = right
            }
            guard smallest != parent else { return }
            self.heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
