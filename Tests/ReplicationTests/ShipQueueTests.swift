import Foundation
import Testing

@testable import Replication

/// The shipper's ordering and bookkeeping, without sockets.
@Suite struct ShipQueueTests {
    static func ready(_ names: [String]) -> [ReadyFile] {
        names.map { ReadyFile(name: WALFileName($0)!, size: 10, readySince: Date()) }
            .sorted { ReadyFile.shippingOrder($0.name, $1.name) }
    }

    static func identity(_ n: Int64) -> FileIdentity {
        FileIdentity(device: 1, inode: UInt64(n), size: 10, modified: n, changed: n)
    }

    static func version(_ n: Int64) -> ShipQueue.Acknowledgement {
        .init(checksum: String(repeating: "a", count: 64), identity: Self.identity(n))
    }

    @Test("a push about another version of an acknowledged file is shipped again, not trusted")
    func otherVersionIsReshipped() {
        let queue = ShipQueue(lookahead: 4)
        let name = WALFileName("000000010000000000000001")!
        _ = queue.update(scan: Self.ready([name.name]))
        queue.finish(queue.next(wait: .zero)!, .acknowledged(Self.version(1), bytes: 10, sent: true))

        let answer = queue.awaitPush(name, identity: Self.identity(7), timeout: .milliseconds(50))
        #expect(answer != .stored)
        let job = queue.next(wait: .zero)
        #expect(job?.name == name && job?.urgent == true, "offered to site B again, first")
    }

    @Test("a timeline's history goes before its segments; the old timeline first")
    func historyFirst() {
        let queue = ShipQueue(lookahead: 8)
        _ = queue.update(
            scan: Self.ready([
                "000000020000000000000005", "00000002.history", "000000010000000000000004",
                "000000010000000000000005.partial",
            ]))
        let first = queue.next(wait: .zero)
        let second = queue.next(wait: .zero)
        let third = queue.next(wait: .zero)
        #expect(first?.name.name == "000000010000000000000004")
        #expect(second?.name.name == "000000010000000000000005.partial")
        #expect(third?.name.name == "00000002.history")
        #expect(queue.next(wait: .zero) == nil, "the segment waits for its history")

        queue.finish(third!, .acknowledged(Self.version(3), bytes: 10, sent: true))
        #expect(queue.next(wait: .zero)?.name.name == "000000020000000000000005")
    }

    @Test("look-ahead is bounded, acknowledged files leave the backlog, a retry comes back")
    func lookahead() {
        let queue = ShipQueue(lookahead: 2)
        let names = (1...5).map { String(format: "0000000100000000000000%02X", $0) }
        let (new, pending) = queue.update(scan: Self.ready(names))
        #expect(new.count == 5 && pending.count == 5)

        let a = queue.next(wait: .zero)!
        let b = queue.next(wait: .zero)!
        #expect(queue.next(wait: .zero) == nil, "only two in the window")
        queue.finish(a, .acknowledged(Self.version(1), bytes: 10, sent: true))
        queue.finish(b, .transport("reset"))
        #expect(queue.next(wait: .zero)?.name == b.name, "the broken one first again")
        let (_, left) = queue.update(scan: Self.ready(names))
        #expect(left.count == 4)
    }

    @Test("push is answered at once for an acknowledged file, and a conflict with its cause")
    func pushAnswers() {
        let queue = ShipQueue(lookahead: 4)
        let name = WALFileName("000000010000000000000001")!
        _ = queue.update(scan: Self.ready([name.name]))
        let job = queue.next(wait: .zero)!
        queue.finish(job, .acknowledged(Self.version(1), bytes: 10, sent: true))
        #expect(queue.awaitPush(name, identity: Self.identity(1), timeout: .seconds(1)) == .stored)

        let other = WALFileName("000000010000000000000002")!
        _ = queue.update(scan: Self.ready([name.name, other.name]))
        let second = queue.next(wait: .zero)!
        queue.finish(second, .conflict(identity: Self.identity(2), message: "split brain"))
        #expect(
            queue.awaitPush(other, identity: Self.identity(2), timeout: .seconds(1))
                == .conflict("split brain"))
    }
}

/// Segment names in order, across the wrap of the segment number into the log number.
@Suite struct SegmentSequenceTests {
    @Test("the next segment wraps as PostgreSQL names them, for the segment size given")
    func next() {
        let mib16 = 16 << 20
        #expect(
            WALFileName("000000010000000000000003")!.nextSegment(segmentSize: mib16)?.name
                == "000000010000000000000004")
        #expect(
            WALFileName("0000000200000000000000FF")!.nextSegment(segmentSize: mib16)?.name
                == "000000020000000100000000")
        #expect(
            WALFileName("00000001000000000000003F")!.nextSegment(segmentSize: 64 << 20)?.name
                == "000000010000000100000000")
        #expect(WALFileName("00000002.history")!.nextSegment(segmentSize: mib16) == nil)
        #expect(
            WALFileName("000000010000000000000003")!.nextSegment(segmentSize: 1_000_000) == nil,
            "not a power of two")
    }
}
