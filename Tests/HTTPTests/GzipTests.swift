import CZlib
import HTTP
import Testing

/// Inflates a gzip member with zlib, as a client would.
private func gunzip(_ data: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    #expect(czlib_inflate_init2(&stream, 15 + 16) == Z_OK)
    defer { inflateEnd(&stream) }

    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    var input = data
    var status: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { source in
        stream.next_in = source.baseAddress
        stream.avail_in = UInt32(source.count)
        repeat {
            chunk.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                status = inflate(&stream, Z_NO_FLUSH)
                output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
            }
        } while status == Z_OK
    }
    try #require(status == Z_STREAM_END)
    return output
}

private func jsonBody(_ items: Int) -> [UInt8] {
    let item = #"{"id":"R-1","examination":"MRI brain with contrast","status":"vetted"}"#
    return Array(("[" + Array(repeating: item, count: items).joined(separator: ",") + "]").utf8)
}

@Suite struct GzipTests {
    @Test func compressedBodiesInflateBackAndStreamsAreReusable() throws {
        let compressor = try GzipCompressor()
        for items in [0, 1, 50, 2000] {
            let body = jsonBody(items)
            let compressed = try compressor.compress(body)

            #expect(compressed.starts(with: [0x1F, 0x8B]))
            #expect(try gunzip(compressed) == body)
        }
    }

    @Test func higherLevelsAreNoLargerOnJSON() throws {
        let body = jsonBody(300)
        let fast = try GzipCompressor(level: 1).compress(body)
        let small = try GzipCompressor(level: 9).compress(body)

        #expect(small.count <= fast.count)
        #expect(try gunzip(small) == body)
    }

    @Test func poolCompressesOrAnswersNil() throws {
        let pool = GzipPool()
        let body = jsonBody(100)

        let compressed = try #require(pool.compressedOrNil(body))
        #expect(try gunzip(compressed) == body)
    }

    @Test func poolLendsWorkingCompressorsToConcurrentCallers() async throws {
        let pool = GzipPool(capacity: 2)
        let body = jsonBody(100)
        let results = await withTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<8 {
                group.addTask { try? pool.compress(body) }
            }
            var all: [[UInt8]?] = []
            for await result in group { all.append(result) }
            return all
        }

        #expect(results.count == 8)
        for result in results {
            #expect(try gunzip(try #require(result)) == body)
        }
    }
}

@Suite struct GzipAcceptEncodingTests {
    private func preferred(_ header: String?) -> GzipAcceptEncoding.Coding? {
        GzipAcceptEncoding(header).preferred
    }

    @Test func choosesGzipWhenOfferedAndNotRefused() {
        #expect(self.preferred("gzip") == .gzip)
        #expect(self.preferred("gzip, deflate, br") == .gzip)
        #expect(self.preferred("br;q=1.0, GZIP;q=0.8") == .gzip)
        #expect(self.preferred("x-gzip") == .gzip)
        #expect(self.preferred("*") == .gzip)
        #expect(self.preferred("deflate, *;q=0.1") == .gzip)
        #expect(self.preferred("gzip;q=0.5") == .gzip)
    }

    @Test func keepsTheBodyAsItIsWhenGzipIsRefusedOrNotOffered() {
        #expect(self.preferred(nil) == .identity)
        #expect(self.preferred("") == .identity)
        #expect(self.preferred("br, deflate") == .identity)
        #expect(self.preferred("gzip;q=0") == .identity)
        #expect(self.preferred("gzip;q=0.000") == .identity)
        #expect(self.preferred("*;q=1, gzip;q=0") == .identity)
        #expect(self.preferred("gzip;q=0.4, identity;q=0.9") == .identity)
        #expect(self.preferred("identity") == .identity)
    }

    @Test func refusesEverythingOnlyWhenIdentityIsExcludedToo() {
        #expect(self.preferred("identity;q=0") == nil)
        #expect(self.preferred("*;q=0") == nil)
        #expect(self.preferred("*;q=0, identity") == .identity)
    }

    @Test func ignoresElementsWithMalformedWeights() {
        #expect(self.preferred("gzip;q=2") == .identity)
        #expect(self.preferred("gzip;q=1.5") == .identity)
        #expect(self.preferred("gzip;q=0.1234") == .identity)
        #expect(self.preferred("gzip;q=abc, *;q=0.2") == .gzip)
        #expect(GzipAcceptEncoding("gzip ; q=0.25 ").gzipQuality == 0.25)
        #expect(GzipAcceptEncoding("gzip;level=3").gzipQuality == 1)
    }
}

@Suite struct GzipResponderTests {
    private func responder(
        body: [UInt8], contentType: String, etag: String? = nil
    ) -> GzipResponder {
        GzipResponder(
            wrapping: ClosureResponder { _ in
                var headers: HTTPHeaders = ["Content-Type": contentType]
                if let etag { headers.add("ETag", etag) }
                return HTTPResponse(headers: headers, body: body)
            })
    }

    private func request(acceptEncoding: String?) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let acceptEncoding { headers.add("Accept-Encoding", acceptEncoding) }
        return HTTPRequest(method: .get, path: "/", headers: headers)
    }

    @Test func compressesLargeJSONForClientsThatAcceptGzip() async throws {
        let body = jsonBody(100)
        let responder = self.responder(body: body, contentType: "application/json", etag: "\"abc\"")

        let response = await responder.respond(to: self.request(acceptEncoding: "gzip"))

        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers["Vary"] == "Accept-Encoding")
        #expect(response.headers["ETag"] == "W/\"abc\"")
        #expect(try gunzip(response.body) == body)
    }

    @Test func leavesSmallBodiesOtherTypesAndRefusingClientsAlone() async {
        let large = jsonBody(100)
        let cases: [(GzipResponder, String?, Bool)] = [
            (self.responder(body: jsonBody(1), contentType: "application/json"), "gzip", false),
            (self.responder(body: large, contentType: "image/png"), "gzip", false),
            (self.responder(body: large, contentType: "application/json"), "gzip;q=0", true),
            (self.responder(body: large, contentType: "application/json"), nil, true),
        ]

        for (responder, acceptEncoding, varies) in cases {
            let response = await responder.respond(to: self.request(acceptEncoding: acceptEncoding))
            #expect(response.headers["Content-Encoding"] == nil)
            #expect(response.headers.contains("Vary") == varies)
        }
    }
}
