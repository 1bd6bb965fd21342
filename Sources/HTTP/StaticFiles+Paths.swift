extension StaticFiles {
    /// The decoded path below the root, `/`-joined and without `.` or empty segments;
    /// a folder (empty path or trailing `/`) means its `index.html`.
    ///
    /// 400 for an invalid percent-encoding or an encoded `/` or `\` (a segment must not turn
    /// into two after decoding); 404 for `..` and hidden names, which are never served.
    static func relativePath(_ encoded: String) -> Result<String, Problem> {
        let lowered = encoded.lowercased()
        guard !lowered.contains("%2f"), !lowered.contains("%5c") else {
            return .failure(.badRequest("Encoded slashes are not allowed in file paths."))
        }
        guard let decoded = PercentDecoding.decode(Substring(encoded)) else {
            return .failure(.badRequest("The file path has an invalid percent-encoding."))
        }
        guard !decoded.contains("\\") else {
            return .failure(.notFound("No file lives at this path."))
        }

        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            guard !segment.hasPrefix(".") else {
                return .failure(.notFound("No file lives at this path."))
            }
            segments.append(segment)
        }
        if segments.isEmpty || decoded.hasSuffix("/") {
            segments.append("index.html")
        }
        return .success(segments.joined(separator: "/"))
    }

    /// `no-cache` for HTML, a year and `immutable` for names with a content hash (a dot-
    /// separated part of at least eight hex digits before the extension), five minutes else.
    static func cacheControl(for path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let parts = name.split(separator: ".")
        if parts.last == "html" || parts.last == "htm" {
            return "no-cache"
        }
        let hashed = parts.dropFirst().dropLast().contains { part in
            part.count >= 8
                && part.utf8.allSatisfy { byte in
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                }
        }
        return hashed ? "public, max-age=31536000, immutable" : "public, max-age=300"
    }

    /// True when `If-None-Match` lists `etag` or is `*`; tags compare weakly (RFC 9110
    /// §13.1.2), so `W/"x"` matches `"x"` (a gzipped copy is tagged weak).
    static func matches(_ header: String, etag: String) -> Bool {
        let wanted = etag.hasPrefix("W/") ? etag.dropFirst(2) : Substring(etag)
        for candidate in header.split(separator: ",") {
            var tag = candidate.drop { $0 == " " || $0 == "\t" }
            while tag.last == " " || tag.last == "\t" { tag = tag.dropLast() }
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == wanted { return true }
        }
        return false
    }

    /// The media type for a file name's extension; unknown ones are plain bytes.
    static func contentType(for path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        switch name[name.index(after: dot)...].lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json"
        case "webmanifest": return "application/manifest+json"
        case "txt": return "text/plain; charset=utf-8"
        case "xml": return "application/xml"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "avif": return "image/avif"
        case "ico": return "image/x-icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}
