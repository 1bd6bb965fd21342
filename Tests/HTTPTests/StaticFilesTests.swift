import Foundation
import HTTP
import Testing

/// A throwaway folder laid out like `web/`, with a secret beside it that must stay unreachable.
private final class Site {
    let base: URL
    let root: URL

    init() throws {
        self.base = FileManager.default.temporaryDirectory
            .appendingPathComponent("static-\(UUID().uuidString)")
        self.root = self.base.appendingPathComponent("web")
        let manager = FileManager.default
        try manager.createDirectory(
            at: self.root.appendingPathComponent("css"), withIntermediateDirectories: true)
        try manager.createDirectory(
            at: self.root.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try self.write("index.html", "<!doctype html><title>Portal</title>")
        try self.write("css/site.css", "body { margin: 0 }")
        try self.write("app.3f9a1c2e.js", "console.log(1)")
        try self.write("docs/index.html", "<p>docs</p>")
        try self.write(".env", "SECRET=1")
        try Data("PRIVATE".utf8).write(to: self.base.appendingPathComponent("secret.txt"))
        try manager.createSymbolicLink(
            at: self.root.appendingPathComponent("escape.txt"),
            withDestinationURL: self.base.appendingPathComponent("secret.txt"))
        try manager.createSymbolicLink(
            at: self.root.appendingPathComponent("up"), withDestinationURL: self.base)
        try manager.createSymbolicLink(
            at: self.root.appendingPathComponent("style.css"),
            withDestinationURL: self.root.appendingPathComponent("css/site.css"))
    }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: self.root.appendingPathComponent(path))
    }

    deinit {
        try? FileManager.default.removeItem(at: self.base)
    }
}

@Suite struct StaticFilesTests {
    private func get(
        _ files: StaticFiles, _ path: String, method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders()
    ) async -> HTTPResponse {
        await files.respond(to: HTTPRequest(method: method, path: path, headers: headers))
    }

    @Test func servesFilesWithTypeTagAndCachePolicy() async throws {
        let site = try Site()
        let files = try StaticFiles(root: site.root.path)

        let page = await self.get(files, "/")
        #expect(page.status.code == 200)
        #expect(
            String(decoding: page.body, as: UTF8.self) == "<!doctype html><title>Portal</title>")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.headers["Cache-Control"] == "no-cache")
        #expect(page.headers["ETag"]?.hasPrefix("\"") == true)

        let css = await self.get(files, "/css/site.css")
        #expect(css.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(css.headers["Cache-Control"] == "public, max-age=300")

        let hashed = await self.get(files, "/app.3f9a1c2e.js")
        #expect(hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable")

        #expect(
            String(decoding: await self.get(files, "/docs/").body, as: UTF8.self) == "<p>docs</p>")
        #expect(await self.get(files, "/style.css").status.code == 200)
        #expect(await self.get(files, "/./css//site.css").status.code == 200)
        #expect(await self.get(files, "/css/site.css", method: .head).status.code == 200)
    }

    @Test func usesTheRoutersWildcardParameter() async throws {
        let site = try Site()
        var router = Router()
        try router.add(.get, "/static/*path", try StaticFiles(root: site.root.path))

        let css = await router.respond(to: HTTPRequest(method: .get, path: "/static/css/site.css"))
        #expect(css.status.code == 200)
        #expect(String(decoding: css.body, as: UTF8.self) == "body { margin: 0 }")
    }

    @Test(arguments: [
        ("/../secret.txt", 404), ("/css/../../secret.txt", 404), ("/%2e%2e/secret.txt", 404),
        ("/%2E%2E/%2e%2e/secret.txt", 404), ("/..%2fsecret.txt", 400), ("/..%2Fsecret.txt", 400),
        ("/css%2f..%2f..%2fsecret.txt", 400), ("/..%5csecret.txt", 400), ("/..\\secret.txt", 404),
        ("/escape.txt", 404), ("/up/secret.txt", 404), ("/.env", 404), ("/%2eenv", 404),
        ("/missing.html", 404), ("/css", 404), ("/%zz", 400), ("/index.html%00", 400),
    ])
    func refusesTraversalHiddenAndMissingFiles(path: String, status: Int) async throws {
        let site = try Site()
        let files = try StaticFiles(root: site.root.path)

        let response = await self.get(files, path)

        #expect(response.status.code == status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(!String(decoding: response.body, as: UTF8.self).contains("PRIVATE"))
    }

    @Test func ifNoneMatchGives304WithTheTagAndNoBody() async throws {
        let site = try Site()
        let files = try StaticFiles(root: site.root.path)
        let etag = try #require(await self.get(files, "/css/site.css").headers["ETag"])

        for header in [etag, "\"other\", \(etag)", "W/\(etag)", "*"] {
            let response = await self.get(
                files, "/css/site.css", headers: ["If-None-Match": header])
            #expect(response.status.code == 304, "\(header)")
            #expect(response.headers["ETag"] == etag)
            #expect(response.body.isEmpty)
        }

        let stale = await self.get(files, "/css/site.css", headers: ["If-None-Match": "\"other\""])
        #expect(stale.status.code == 200)
    }

    @Test func largeTextFilesAreKeptGzippedForClientsThatAcceptIt() async throws {
        let site = try Site()
        let script = String(repeating: "console.log('referral portal');\n", count: 100)
        try site.write("big.js", script)
        let files = try StaticFiles(root: site.root.path)

        let plain = await self.get(files, "/big.js")
        let gzipped = await self.get(files, "/big.js", headers: ["Accept-Encoding": "gzip, br"])
        let tag = try #require(plain.headers["ETag"])

        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(String(decoding: plain.body, as: UTF8.self) == script)
        #expect(plain.headers["Vary"] == "Accept-Encoding")
        #expect(gzipped.headers["Content-Encoding"] == "gzip")
        #expect(gzipped.headers["ETag"] == "W/" + tag)
        #expect(gzipped.body.count < plain.body.count / 4)
        #expect(gzipped.body.starts(with: [0x1F, 0x8B]))

        let revalidated = await self.get(
            files, "/big.js", headers: ["Accept-Encoding": "gzip", "If-None-Match": "W/" + tag])
        #expect(revalidated.status.code == 304)
        #expect(
            await self.get(files, "/css/site.css", headers: ["Accept-Encoding": "gzip"])
                .headers["Content-Encoding"] == nil)
    }

    @Test func anEditedFileGetsANewTag() async throws {
        let site = try Site()
        let files = try StaticFiles(root: site.root.path)
        let before = await self.get(files, "/css/site.css")

        try site.write("css/site.css", "body { margin: 1px }")
        let after = await self.get(files, "/css/site.css")

        #expect(String(decoding: after.body, as: UTF8.self) == "body { margin: 1px }")
        #expect(after.headers["ETag"] != before.headers["ETag"])
    }

    @Test func onlyGetAndHeadAreServedAndTheRootMustBeAFolder() async throws {
        let site = try Site()
        let files = try StaticFiles(root: site.root.path)

        let posted = await self.get(files, "/index.html", method: .post)
        #expect(posted.status.code == 405)
        #expect(posted.headers["Allow"] == "GET, HEAD, OPTIONS")

        #expect(throws: StaticFilesError.self) { try StaticFiles(root: site.base.path + "/nope") }
        #expect(throws: StaticFilesError.self) {
            try StaticFiles(root: site.root.appendingPathComponent("index.html").path)
        }
    }
}
