import Foundation
import Testing

@testable import Referrals

@Suite struct FileLinesTests {
    static func lines(_ bytes: [UInt8], chunk: Int) throws -> [String] {
        let path = try SitesFiles.temporary("")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var reader = try #require(FileLines(path: path, chunk: chunk))
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    @Test("lines across chunk boundaries, CRLF, a byte order mark and no final line break")
    func lines() throws {
        let text = Array("\u{FEFF}LS1 4AP,10\r\nEH16 4SA,10\n\nCF14 4XW,10".utf8)
        for chunk in [1, 2, 3, 7, 1 << 20] {
            #expect(
                try Self.lines(text, chunk: chunk)
                    == ["LS1 4AP,10", "EH16 4SA,10", "", "CF14 4XW,10"], "chunk \(chunk)")
        }
        #expect(try Self.lines([], chunk: 4).isEmpty)
        #expect(try Self.lines(Array("a\n".utf8), chunk: 1) == ["a"])
        #expect(FileLines(path: "/nonexistent/file.csv") == nil)
    }
}
