import CZlib

/// zlib compression of archived files for the trip between sites. WAL compresses well (a
/// segment is often mostly zero-filled), and the link between data centres is the scarce
/// resource, but compressing must keep up with the WAL a busy primary writes. Measured on
/// real pgbench WAL (`bench/wal-compression/run`, 8 segments): level 1 leaves 7.0% of the
/// size at 295 MiB/s of CPU, level 6 6.2% at 83 MiB/s, level 9 6.2% at 13 MiB/s; level 1
/// keeps nearly all the saving for 28% of level 6's CPU.
public enum SegmentCompression {
    /// The level used for shipping (see the measurement above).
    public static let defaultLevel: Int32 = 1

    /// The largest file it will inflate: a WAL segment is at most 1 GiB (16 MiB by default);
    /// more is a corrupt or hostile stream, not WAL.
    public static let maximumInflatedBytes = 1 << 30

    /// `bytes` as one zlib stream at `level` (0-9).
    public static func compress(
        _ bytes: [UInt8], level: Int32 = SegmentCompression.defaultLevel
    ) throws(ArchiveError) -> [UInt8] {
        guard (0...9).contains(level) else {
            throw ArchiveError(.invalidArgument, "zlib level \(level) is not between 0 and 9")
        }
        // The output is written by zlib before it is read: zeroing the worst case first
        // would cost about as much as compressing a mostly empty segment.
        let capacity = Int(compressBound(uLong(bytes.count)))
        var status = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            var produced = uLong(capacity)
            status = bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &produced, input.baseAddress, uLong(input.count), level)
            }
            count = status == Z_OK ? Int(produced) : 0
        }
        guard status == Z_OK else {
            throw ArchiveError(.storage, "zlib could not compress (status \(status))")
        }
        return output
    }

    /// The bytes of a zlib stream made by `compress`, which must inflate to exactly
    /// `expectedSize` bytes (sent beside the stream), so that a damaged or truncated stream
    /// is refused rather than stored.
    public static func decompress(
        _ stream: [UInt8], expectedSize: Int
    ) throws(ArchiveError) -> [UInt8] {
        guard (0...Self.maximumInflatedBytes).contains(expectedSize) else {
            throw ArchiveError(.corrupt, "an inflated size of \(expectedSize) bytes is not WAL")
        }
        var produced = uLong(expectedSize)
        var status = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { out, count in
            status = stream.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &produced, input.baseAddress, uLong(input.count))
            }
            count = status == Z_OK ? Int(produced) : 0
        }
        guard status == Z_OK, Int(produced) == expectedSize else {
            throw ArchiveError(
                .corrupt,
                status == Z_BUF_ERROR
                    ? "the stream inflates to more than the \(expectedSize) bytes announced"
                    : "the stream is damaged or truncated (zlib status \(status), "
                        + "\(produced) of \(expectedSize) bytes)")
        }
        return output
    }
}
