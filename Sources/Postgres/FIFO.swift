/// A first-in, first-out queue with O(1) append and removal at the front, for the
/// requests a connection has queued and those it has in flight.
struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var count: Int { self.storage.count - self.head }
    var isEmpty: Bool { self.head == self.storage.count }

    var first: Element? {
        self.isEmpty ? nil : self.storage[self.head]
    }

    /// The element `offset` places from the front.
    subscript(offset: Int) -> Element {
        get { self.storage[self.head + offset]! }
        set { self.storage[self.head + offset] = newValue }
    }

    mutating func append(_ element: Element) {
        self.storage.append(element)
    }

    mutating func popFirst() -> Element? {
        guard !self.isEmpty else { return nil }
        let element = self.storage[self.head]
        self.storage[self.head] = nil
        self.head += 1
        if self.head == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head >= 1024 && self.head * 2 >= self.storage.count {
            self.storage.removeFirst(self.head)
            self.head = 0
        }
        return element
    }

    /// The offset of the first element matching `predicate`.
    func firstOffset(where predicate: (Element) -> Bool) -> Int? {
        for offset in 0..<self.count where predicate(self[offset]) {
            return offset
        }
        return nil
    }

    /// Removes the element `offset` places from the front, keeping the others' order.
    mutating func remove(at offset: Int) -> Element {
        let element = self[offset]
        self.storage.remove(at: self.head + offset)
        return element
    }

    /// Removes and returns every element, front first.
    mutating func removeAll() -> [Element] {
        let elements = self.storage[self.head...].map { $0! }
        self.storage.removeAll()
        self.head = 0
        return elements
    }
}
