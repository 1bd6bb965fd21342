import COpenSSL
import Foundation
import Security

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// SHA-256 of whole files read in chunks, and a copy that hashes what it writes: a base
/// backup's files run to a gigabyte each, too big to hold in memory at once.
enum FileDigest {
    /// How much of a file is read at a time.
    static let chunkBytes = 1 << 20

    /// The lower-case hex SHA-256 of the file at `path` and its size.
    static func sha256(of path: String) throws(BackupError) -> (hex: String, size: Int) {
        try self.stream(from: path, copyTo: nil)
    }

    /// Copies `source` to `destination` (created, never replaced, mode `mode`), flushes it,
    /// and returns the SHA-256 of the bytes copied and their count.
    static func copy(
        _ source: String, to destination: String, mode: mode_t
    ) throws(BackupError) -> (hex: String, size: Int) {
        try self.stream(from: source, copyTo: (destination, mode))
    }

    private static func stream(
        from path: String, copyTo target: (path: String, mode: mode_t)?
    ) throws(BackupError) -> (hex: String, size: Int) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.failure("open", path) }
        defer { close(input) }

        var output: Int32 = -1
        if let target {
            output = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, target.mode)
            guard output >= 0 else { throw Self.failure("create", target.path) }
        }
        defer { if output >= 0 { close(output) } }

        guard let context = EVP_MD_CTX_new() else {
            throw BackupError(.storage, "OpenSSL could not allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw BackupError(.storage, "OpenSSL could not start SHA-256")
        }

        var buffer = [UInt8](repeating: 0, count: Self.chunkBytes)
        var size = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure("read", path) }
            if count == 0 { break }
            size += count
            _ = buffer.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, count) }
            if output >= 0, let target {
                try Self.writeAll(buffer, count: count, to: output, path: target.path)
            }
        }
        if output >= 0, let target, fsync(output) != 0 {
            throw Self.failure("flush", target.path)
        }

        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw BackupError(.storage, "OpenSSL could not finish SHA-256 of \(path)")
        }
        return (Hex.encode(digest.prefix(32)), size)
    }

    private static func writeAll(
        _ buffer: [UInt8], count: Int, to descriptor: Int32, path: String
    ) throws(BackupError) {
        var written = 0
        while written < count {
            let done = buffer.withUnsafeBytes {
                write(descriptor, $0.baseAddress! + written, count - written)
            }
            if done < 0 && errno == EINTR { continue }
            guard done > 0 else { throw Self.failure("write", path) }
            written += done
        }
    }

    static func failure(_ step: String, _ path: String) -> BackupError {
        BackupError(.storage, "cannot \(step) \(path): \(String(cString: strerror(errno)))")
    }
}
