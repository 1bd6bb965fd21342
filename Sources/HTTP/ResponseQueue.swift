/// Keeps a connection's responses in request order (RFC 9112 §9.3.2): each request takes a
/// place when it is read, handlers may finish in any order, and bytes leave only from the
/// front. A plain value type, so ordering is tested without sockets.
struct ResponseQueue {
    /// A response's bytes, and whether the connection ends after them.
    struct Ready {
        var bytes: [UInt8]
        var closesConnection: Bool
    }

    private var places: [Ready?] = []
    /// The sequence number of `places[0]`.
    private var firstSequence: UInt64 = 0

    /// Places taken and not yet sent, whether their response is ready or not.
    var count: Int { self.places.count }
    var isEmpty: Bool { self.places.isEmpty }

    /// Takes the next place in line and returns its number.
    mutating func reserve() -> UInt64 {
        self.places.append(nil)
        return self.firstSequence + UInt64(self.places.count - 1)
    }

    /// Puts a finished response in its place. A number no longer in the queue (the
    /// connection was cleared) is ignored.
    mutating func fill(_ sequence: UInt64, _ ready: Ready) {
        guard sequence >= self.firstSequence else { return }
        let index = Int(sequence - self.firstSequence)
        guard index < self.places.count else { return }
        self.places[index] = ready
    }

    /// The response at the front, if it is ready; it leaves the queue.
    mutating func popReady() -> Ready? {
        guard let first = self.places.first, let ready = first else { return nil }
        self.places.removeFirst()
        self.firstSequence += 1
        return ready
    }

    /// Forgets every place (the connection is closing).
    mutating func clear() {
        self.firstSequence += UInt64(self.places.count)
        self.places.removeAll()
    }
}
