import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Serves the portals' files from a folder (`web/`) for GET and HEAD.
///
/// Requests can only reach files under the root: the path is percent-decoded once, encoded
/// slashes and backslashes are refused, `.` segments are dropped, `..` segments and names
/// starting with a dot are not served, and the file's real path (symbolic links resolved)
/// must still lie under the root's real path.
///
/// Each file gets a strong `ETag` computed from its content; content and tag are kept in
/// memory, keyed by path and checked against the file's modification time and size, so an
/// edited file is picked up on the next request. `If-None-Match` gives 304.
///
/// `Cache-Control`: HTML is `no-cache` (always revalidated, so a deploy shows at once);
/// files whose name carries a content hash (`app.3f9a1c2e.js`) are `immutable` for a year;
/// anything else may be reused for five minutes before revalidating.
///
/// Text files (HTML, CSS, JavaScript, SVG, JSON) of at least the policy's minimum size are
/// gzipped once, when read, and the compressed copy is kept beside the original; a client
/// that accepts gzip gets it with a weak `ETag` (`W/"..."`), since the bytes differ.
///
/// Files are read with blocking calls on the calling thread, which is acceptable for the
/// small, cached set of portal assets but not for large downloads.
public final class StaticFiles: HTTPResponder {
    /// The root folder's real path.
    public let root: String
    /// The path parameter holding the file path when routed as `/*path`; without it the
    /// request's whole path is used.
    public let parameter: String
    /// Files larger than this are served but not kept in memory.
    public let cacheLimit: Int
    /// When files are kept gzipped as well; nil never compresses.
    public let compression: GzipPolicy?
    let gzip: GzipPool?
    let cache = Mutex<[String: StaticFileEntry]>([:])

    public init(
        root: String, parameter: String = "path", cacheLimit: Int = 1 << 20,
        compression: GzipPolicy? = GzipPolicy()
    ) throws(StaticFilesError) {
        guard let resolved = realpath(root, nil) else {
            throw StaticFilesError(
                errno: errno, message: "cannot resolve the root folder", root: root)
        }
        defer { free(resolved) }

        var info = stat()
        guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw StaticFilesError(errno: 0, message: "the root is not a folder", root: root)
        }
        self.root = String(cString: resolved)
        self.parameter = parameter
        self.cacheLimit = cacheLimit
        self.compression = compression
        self.gzip = compression.map { GzipPool(level: $0.level, capacity: 2) }
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard request.method == .get || request.method == .head else {
            return Problem.methodNotAllowed(request.method, allowed: [.get, .head, .options])
                .response()
        }

        let encoded =
            request.pathParameters[self.parameter] ?? String(request.path.drop { $0 == "/" })
        let relative: String
        switch Self.relativePath(encoded) {
        case .success(let path): relative = path
        case .failure(let problem): return problem.response()
        }

        let contentType = Self.contentType(for: relative)
        guard let file = self.load(relative, contentType: contentType) else {
            return Problem.notFound("No file lives at this path.").response()
        }

        let acceptEncoding = request.headers["Accept-Encoding"]
        let gzipped = file.gzipped.flatMap {
            GzipAcceptEncoding(acceptEncoding).preferred == .gzip ? $0 : nil
        }
        var headers: HTTPHeaders = [
            "ETag": gzipped == nil ? file.etag : "W/" + file.etag,
            "Cache-Control": Self.cacheControl(for: relative),
        ]
        if file.gzipped != nil {
            headers.add("Vary", "Accept-Encoding")
        }
        if let tags = request.headers["If-None-Match"], Self.matches(tags, etag: file.etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }

        headers.add("Content-Type", contentType)
        headers.add("X-Content-Type-Options", "nosniff")
        if let gzipped {
            headers.add("Content-Encoding", "gzip")
            return HTTPResponse(status: .ok, headers: headers, body: gzipped)
        }
        return HTTPResponse(status: .ok, headers: headers, body: file.body)
    }
}
