#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A file's content and tag as last read, with what identifies that version on disk.
struct StaticFileEntry: Sendable {
    let modified: timespec
    let size: Int
    let etag: String
    let body: [UInt8]
    /// The body gzipped, when the policy wants it and it came out smaller.
    let gzipped: [UInt8]?
}

extension StaticFiles {
    /// The file at `relative` under the root, from memory when its modification time and
    /// size are unchanged; nil when it does not exist, is not a regular file, cannot be read,
    /// or resolves to somewhere outside the root.
    func load(_ relative: String, contentType: String) -> StaticFileEntry? {
        guard let real = self.resolve(relative) else { return nil }

        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }

        let size = Int(info.st_size)
        if let cached = self.cache.withLock({ $0[real] }), cached.size == size,
            cached.modified.tv_sec == info.st_mtim.tv_sec,
            cached.modified.tv_nsec == info.st_mtim.tv_nsec
        {
            return cached
        }

        guard let body = Self.read(real, size: size) else { return nil }
        guard size <= self.cacheLimit else {
            return StaticFileEntry(
                modified: info.st_mtim, size: size, etag: Self.etag(for: body), body: body,
                gzipped: nil)
        }

        let entry = StaticFileEntry(
            modified: info.st_mtim, size: size, etag: Self.etag(for: body), body: body,
            gzipped: self.compressed(body, contentType: contentType))
        self.cache.withLock { $0[real] = entry }
        return entry
    }

    /// `body` gzipped when the policy wants this type and size and the result is smaller.
    private func compressed(_ body: [UInt8], contentType: String) -> [UInt8]? {
        guard let policy = self.compression, let gzip = self.gzip, body.count >= policy.minimumSize,
            policy.isCompressible(contentType: contentType),
            let compressed = gzip.compressedOrNil(body), compressed.count < body.count
        else { return nil }
        return compressed
    }

    /// The real path of `relative`, symbolic links resolved, when it lies under the root.
    private func resolve(_ relative: String) -> String? {
        guard let resolved = realpath(self.root + "/" + relative, nil) else { return nil }
        defer { free(resolved) }

        let real = String(cString: resolved)
        guard real.hasPrefix(self.root + "/") else { return nil }
        return real
    }

    /// The whole file, or nil if it cannot be opened or changes size while being read.
    private static func read(_ path: String, size: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }

        var failed = false
        let body = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    failed = true
                    return
                }
                count += got
            }
        }
        return failed ? nil : body
    }

    /// A strong tag from the content: its length and two 64-bit FNV hashes (FNV-1a and
    /// FNV-1 from different seeds). Not cryptographic, but an edit that keeps the length and
    /// both hashes is vanishingly unlikely for files someone deploys.
    static func etag(for body: [UInt8]) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x84222325_cbf29ce4
        for byte in body {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second &* 0x0000_0100_0000_01B3) ^ UInt64(byte)
        }
        let hex = { (value: UInt64) in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "\"" + String(body.count, radix: 16) + "-" + hex(first) + hex(second) + "\""
    }
}
