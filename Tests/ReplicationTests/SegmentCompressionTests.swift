import Testing

@testable import Replication

@Suite struct SegmentCompressionTests {
    /// A segment-like buffer: some varied records, then zero fill.
    static let segment: [UInt8] =
        (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 &* 7919) >> 3) }
        + [UInt8](repeating: 0, count: 1_000_000)

    @Test("a segment round-trips at every level, and zero fill shrinks it a lot")
    func roundTrip() throws {
        for level in [Int32(0), 1, 6, 9] {
            let packed = try SegmentCompression.compress(Self.segment, level: level)
            let unpacked = try SegmentCompression.decompress(
                packed, expectedSize: Self.segment.count)
            #expect(unpacked == Self.segment, "level \(level)")
            if level > 0 { #expect(packed.count < Self.segment.count / 4, "level \(level)") }
        }
        let empty = try SegmentCompression.compress([])
        #expect(try SegmentCompression.decompress(empty, expectedSize: 0) == [])
    }

    @Test("damaged, truncated or longer-than-announced streams are refused as corrupt")
    func refusals() throws {
        let packed = try SegmentCompression.compress(Self.segment)
        var damaged = packed
        damaged[packed.count / 2] ^= 0xFF
        let cases: [([UInt8], Int)] = [
            (damaged, Self.segment.count),
            (Array(packed.prefix(packed.count - 10)), Self.segment.count),
            (packed, Self.segment.count - 1),
            (packed, Self.segment.count + 1),
            (packed, SegmentCompression.maximumInflatedBytes + 1),
            ([1, 2, 3], 3),
        ]
        for (stream, size) in cases {
            #expect {
                try SegmentCompression.decompress(stream, expectedSize: size)
            } throws: { ($0 as? ArchiveError)?.code == .corrupt }
        }
        #expect(throws: ArchiveError.self) { try SegmentCompression.compress([1], level: 12) }
    }

    @Test("inflating in slices gives the same bytes, in order, as inflating at once")
    func slices() throws {
        let packed = try SegmentCompression.compress(Self.segment)
        var joined: [UInt8] = []
        var pieces = 0
        let size = try SegmentCompression.inflate(packed, expectedSize: Self.segment.count) {
            joined.append(contentsOf: $0)
            pieces += 1
        }
        #expect(size == Self.segment.count)
        #expect(joined == Self.segment)
        #expect(pieces > 1, "a segment is handed over a slice at a time")
    }

    @Test("slice by slice, a damaged, truncated, padded or wrongly sized stream is refused")
    func sliceRefusals() throws {
        let packed = try SegmentCompression.compress(Self.segment)
        var damaged = packed
        damaged[packed.count / 2] ^= 0xFF
        let cases: [([UInt8], Int?)] = [
            (damaged, Self.segment.count),
            (Array(packed.prefix(packed.count - 10)), nil),
            (packed + [0], nil),
            (packed, Self.segment.count - 1),
            (packed, Self.segment.count + 1),
            ([1, 2, 3], nil),
            ([], nil),
        ]
        for (stream, size) in cases {
            #expect {
                try SegmentCompression.inflate(stream, expectedSize: size) { _ in }
            } throws: { ($0 as? ArchiveError)?.code == .corrupt }
        }
    }
}
