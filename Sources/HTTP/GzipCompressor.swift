import CZlib

/// A zlib deflate stream with gzip framing that compresses whole bodies, one at a time,
/// and is reset rather than rebuilt between them.
///
/// Setting a stream up allocates about 256 KiB of zlib state; resetting it only clears the
/// hash table, so a compressor is kept and reused (see ``GzipPool``). It is not safe for
/// concurrent use: one caller at a time, which the pool guarantees.
public final class GzipCompressor: @unchecked Sendable {
    /// The deflate level, 1 (fastest) to 9 (smallest).
    public let level: Int32
    // zlib keeps a pointer back to the stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>

    /// gzip framing: 15 bits of window plus 16, which asks zlib for a gzip header and
    /// trailer instead of zlib's own.
    static let gzipWindowBits: Int32 = 15 + 16

    public init(level: Int32 = GzipPolicy.defaultLevel) throws(GzipError) {
        self.level = min(max(level, 1), 9)
        self.stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        self.stream.initialize(to: z_stream())

        let status = czlib_deflate_init2(
            self.stream, self.level, Z_DEFLATED, Self.gzipWindowBits, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            self.stream.deinitialize(count: 1)
            self.stream.deallocate()
            throw GzipError(zlibCode: status, operation: "init")
        }
    }

    deinit {
        deflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// The gzip member holding `input`, made in one deflate call into a buffer sized by
    /// `deflateBound`, so it never has to grow.
    public func compress(_ input: [UInt8]) throws(GzipError) -> [UInt8] {
        let bound = Int(deflateBound(self.stream, UInt(input.count)))
        var status: Int32 = Z_OK
        let output = input.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: bound) { target, count in
                self.stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                self.stream.pointee.avail_in = UInt32(source.count)
                self.stream.pointee.next_out = target.baseAddress
                self.stream.pointee.avail_out = UInt32(target.count)
                status = deflate(self.stream, Z_FINISH)
                count = target.count - Int(self.stream.pointee.avail_out)
            }
        }

        let reset = deflateReset(self.stream)
        guard status == Z_STREAM_END else {
            throw GzipError(zlibCode: status, operation: "deflate")
        }
        guard reset == Z_OK else {
            throw GzipError(zlibCode: reset, operation: "reset")
        }
        return output
    }
}
