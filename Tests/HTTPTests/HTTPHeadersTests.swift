import Testing

@testable import HTTP

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsOrder() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        headers.add("set-cookie", "a=1")
        headers.add("Set-Cookie", "b=2")

        #expect(headers["content-type"] == "text/plain")
        #expect(headers["SET-COOKIE"] == "a=1")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["X-Missing"] == nil)
        #expect(!HTTPHeaders.sameName("a-b", "a_b"))
        #expect(!HTTPHeaders.sameName("[", "{"))
    }

    @Test func replaceOrAddKeepsOneFieldInPlace() {
        var headers: HTTPHeaders = ["A": "1", "B": "2"]
        headers.add("a", "3")
        headers.replaceOrAdd("A", "9")
        headers.replaceOrAdd("C", "4")

        #expect(headers.map(\.name) == ["A", "B", "C"])
        #expect(headers["a"] == "9")
    }

    @Test func tokensInListValues() {
        let headers: HTTPHeaders = ["Connection": "keep-alive , Upgrade"]
        #expect(headers.hasToken("upgrade", in: "connection"))
        #expect(headers.hasToken("Keep-Alive", in: "Connection"))
        #expect(!headers.hasToken("close", in: "Connection"))
    }

    @Test func writesWireFormat() {
        var buffer: [UInt8] = []
        let headers: HTTPHeaders = ["X": "1", "Y": "two"]
        headers.write(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "X: 1\r\nY: two\r\n")
    }
}
