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

    /// The bytes inflated at a time by `inflate`: big enough to keep zlib busy, small
    /// enough that each slice is still in the cache when the caller hashes it.
    static let sliceBytes = 256 << 10

    /// Inflates a zlib stream a slice at a time, handing each slice to `slice` in order,
    /// and returns the inflated size. The stream must end exactly where it says it ends, with
    /// nothing after it, and inflate to `expectedSize` bytes when given (otherwise to at
    /// most `maximumInflatedBytes`): a damaged, truncated or padded stream is refused.
    public static func inflate(
        _ stream: [UInt8], expectedSize: Int? = nil,
        slice: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void
    ) throws(ArchiveError) -> Int {
        let limit = expectedSize ?? Self.maximumInflatedBytes
        guard (0...Self.maximumInflatedBytes).contains(limit) else {
            throw ArchiveError(.corrupt, "an inflated size of \(limit) bytes is not WAL")
        }
        var inflater = z_stream()
        guard czlib_inflate_init2(&inflater, 15) == Z_OK else {
            throw ArchiveError(.storage, "zlib could not start inflating")
        }
        defer { inflateEnd(&inflater) }

        var buffer = [UInt8](repeating: 0, count: Self.sliceBytes)
        var total = 0
        var status = Z_OK
        var failure: ArchiveError?
        stream.withUnsafeBufferPointer { input in
            inflater.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            inflater.avail_in = uInt(input.count)
            while status == Z_OK, failure == nil {
                let produced = buffer.withUnsafeMutableBytes { out in
                    inflater.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    inflater.avail_out = uInt(out.count)
                    status = CZlib.inflate(&inflater, Z_NO_FLUSH)
                    return out.count - Int(inflater.avail_out)
                }
                total += produced
                guard total <= limit else {
                    failure = ArchiveError(
                        .corrupt, "the stream inflates to more than the \(limit) bytes allowed")
                    return
                }
                buffer.withUnsafeBytes { all in
                    do throws(ArchiveError) {
                        try slice(UnsafeRawBufferPointer(rebasing: all.prefix(produced)))
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
        guard status == Z_STREAM_END, inflater.avail_in == 0 else {
            throw ArchiveError(
                .corrupt,
                "the stream is damaged, truncated or padded (zlib status \(status), "
                    + "\(inflater.avail_in) bytes left over)")
        }
        if let expectedSize, total != expectedSize {
            throw ArchiveError(
                .corrupt,
                "the stream inflates to \(total) bytes, not the \(expectedSize) announced")
        }
        return total
    }
}
