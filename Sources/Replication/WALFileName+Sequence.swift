extension WALFileName {
    /// The segment after this one, for segments of `segmentSize` bytes (a power of two
    /// from 1 MiB to 1 GiB): the segment number wraps into the next log number as
    /// PostgreSQL's `XLogFileName` does. Nil for anything but a segment.
    public func nextSegment(segmentSize: Int) -> WALFileName? {
        guard self.kind == .segment, segmentSize > 0, segmentSize.nonzeroBitCount == 1,
            segmentSize <= 1 << 30,
            let log = UInt64(self.name.dropFirst(8).prefix(8), radix: 16),
            let segment = UInt64(self.name.suffix(8), radix: 16)
        else { return nil }
        let perLog = UInt64(1) << 32 / UInt64(segmentSize)
        var (nextLog, nextSegment) = (log, segment + 1)
        if nextSegment >= perLog {
            (nextLog, nextSegment) = (log + 1, 0)
        }
        guard nextLog <= 0xFFFF_FFFF else { return nil }
        return WALFileName(
            Self.hex(UInt64(self.timeline)) + Self.hex(nextLog) + Self.hex(nextSegment))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
