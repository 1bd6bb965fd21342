import Foundation
import Testing

@testable import Replication

/// Concurrent stores of one name (two streams, or a re-push racing the first): never an
/// overwrite, and the stored file always matches its stored checksum.
@Suite struct ArchiveConcurrencyTests {
    let folder = NSTemporaryDirectory() + "wal-archive-race-" + UUID().uuidString

    @Test("racing stores of the same bytes: one write, the rest already present")
    func sameBytes() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let name = WALFileName("000000010000000000000010")!
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let results = await withTaskGroup(of: WALArchive.Stored?.self) { group in
            for _ in 0..<8 {
                group.addTask { try? archive.store(name, contents: bytes) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 == .written }.count == 1)
        #expect(results.filter { $0 == .alreadyPresent }.count == 7)
        #expect(try archive.fetch(name) == bytes)
        let left = try FileManager.default.contentsOfDirectory(atPath: self.folder)
        #expect(left.sorted() == [name.name, name.name + ".sha256"], "no temporaries left")
    }

    @Test("racing stores of different bytes: exactly one wins, the others conflict")
    func differentBytes() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let archive = try WALArchive(folder: self.folder)
        let name = WALFileName("000000010000000000000011")!
        let versions = (0..<8).map { seed in
            (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ seed) }
        }
        let results = await withTaskGroup(of: (Int, ArchiveError.Code?).self) { group in
            for (index, bytes) in versions.enumerated() {
                group.addTask {
                    do {
                        _ = try archive.store(name, contents: bytes)
                        return (index, nil)
                    } catch {
                        return (index, (error as? ArchiveError)?.code)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.filter { $0.1 == nil }
        #expect(winners.count == 1)
        #expect(results.filter { $0.1 == .conflict }.count == 7)
        if let winner = winners.first {
            #expect(try archive.fetch(name) == versions[winner.0], "stored matches its checksum")
        }
    }
}
