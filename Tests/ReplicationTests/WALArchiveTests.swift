import Foundation
import Security
import Testing

@testable import Replication

@Suite struct WALFileNameTests {
    @Test("the four kinds PostgreSQL archives are recognised, and their timeline read")
    func kinds() {
        #expect(WALFileName("000000010000000000000003")?.kind == .segment)
        #expect(WALFileName("00000002.history")?.kind == .history)
        #expect(WALFileName("000000010000000000000002.00000028.backup")?.kind == .backup)
        #expect(WALFileName("000000010000000000000007.partial")?.kind == .partial)
        #expect(WALFileName("0000000A0000000000000003")?.timeline == 10)
    }

    @Test("anything else is refused, paths and lower case included")
    func refused() {
        for name in [
            "", "00000001000000000000000", "0000000100000000000000033", "000000010000000000000003/",
            "../00000001000000000000", "000000010000000000000003.sha256", "0000000g0000000000000003",
            "000000010000000000000a03", "00000002.History", "0000002.history",
            "000000010000000000000003.partial.tmp", "/etc/passwd",
        ] {
            #expect(WALFileName(name) == nil, "\(name)")
        }
    }
}

@Suite struct WALArchiveTests {
    let folder = NSTemporaryDirectory() + "wal-archive-" + UUID().uuidString
    let segment = WALFileName("000000010000000000000003")!

    @Test("a stored file comes back whole; the same bytes again are accepted, not rewritten")
    func storeAndFetch() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        #expect(try archive.store(self.segment, contents: bytes) == .written)
        #expect(try archive.fetch(self.segment) == bytes)
        #expect(try archive.store(self.segment, contents: bytes) == .alreadyPresent)
        #expect(try archive.fetch(WALFileName("000000010000000000000004")!) == nil)

        let left = try FileManager.default.contentsOfDirectory(atPath: self.folder).sorted()
        #expect(left == ["000000010000000000000003", "000000010000000000000003.sha256"])
    }

    @Test("other bytes under an archived name are refused with the likely cause")
    func conflict() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let history = WALFileName("00000002.history")!
        _ = try archive.store(self.segment, contents: [1, 2, 3])
        _ = try archive.store(history, contents: Array("1\t0/3000000\tno recovery\n".utf8))

        #expect {
            try archive.store(self.segment, contents: [1, 2, 4])
        } throws: { error in
            let error = error as? ArchiveError
            return error?.code == .conflict && error?.message.contains("split brain") == true
        }
        #expect {
            try archive.store(history, contents: Array("other\n".utf8))
        } throws: { ($0 as? ArchiveError)?.code == .conflict }
        #expect(try archive.fetch(self.segment) == [1, 2, 3], "never overwritten")
    }

    @Test("a checksum sent that does not match is refused, and nothing is stored")
    func wrongChecksumSent() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)

        #expect {
            try archive.store(
                self.segment, contents: [9, 9], checksum: String(repeating: "0", count: 64))
        } throws: { ($0 as? ArchiveError)?.code == .corrupt }
        #expect(try archive.fetch(self.segment) == nil)
    }

    @Test("a stored file damaged afterwards is reported as corrupt, not as missing")
    func damaged() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        _ = try archive.store(self.segment, contents: [1, 2, 3])
        let other = try SegmentCompression.compress([1, 2, 9])
        try Data(other).write(to: URL(fileURLWithPath: self.folder + "/" + self.segment.name))

        #expect {
            try archive.fetch(self.segment)
        } throws: { ($0 as? ArchiveError)?.code == .corrupt }
    }

    @Test("a file is kept as the stream it arrived in, checked against its inflated bytes")
    func keptCompressed() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let contents = [UInt8](repeating: 7, count: 4096) + [UInt8](repeating: 0, count: 1 << 20)
        let stream = try SegmentCompression.compress(contents)
        let checksum = try SHA256.hex(contents)

        let stored = try archive.store(
            self.segment, compressed: stream, size: contents.count, checksum: checksum)
        #expect(stored == .written)
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: self.folder + "/" + self.segment.name))
        #expect([UInt8](onDisk) == stream, "stored as received, not inflated")
        #expect(try archive.fetch(self.segment) == contents)
        #expect(
            try archive.store(
                self.segment, compressed: stream, size: contents.count, checksum: checksum)
                == .alreadyPresent)
    }

    @Test("a stream whose size or checksum is not the one announced is refused, storing nothing")
    func announcedMismatch() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let contents = [UInt8](repeating: 3, count: 10_000)
        let stream = try SegmentCompression.compress(contents)
        let checksum = try SHA256.hex(contents)

        let wrong: [(Int, String)] = [
            (contents.count + 1, checksum),
            (contents.count, String(repeating: "0", count: 64)),
        ]
        for (size, sum) in wrong {
            #expect {
                try archive.store(self.segment, compressed: stream, size: size, checksum: sum)
            } throws: { ($0 as? ArchiveError)?.code == .corrupt }
        }
        #expect(try archive.fetch(self.segment) == nil)
        let left = try FileManager.default.contentsOfDirectory(atPath: self.folder)
        #expect(left.filter { !$0.hasPrefix(".") }.isEmpty, "nothing stored: \(left)")
    }
}
