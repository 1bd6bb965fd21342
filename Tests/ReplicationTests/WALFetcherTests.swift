import Foundation
import Testing

@testable import Replication

/// fetch's bounded spool, in process: what is staged, what is handed over, what is cleaned.
@Suite struct WALFetcherTests {
    let folder = NSTemporaryDirectory() + "wal-fetch-" + UUID().uuidString

    func configuration(prefetch: Int) throws -> ReceiverConfiguration {
        let object: [String: Any] = [
            "listen": ["host": "127.0.0.1", "port": 0],
            "archiveDirectory": self.folder + "/archive",
            "tls": ["certificate": "b.pem", "privateKey": "b.key", "authority": "ca.pem"],
            "prefetch": prefetch, "prefetchDirectory": self.folder + "/spool",
        ]
        try FileManager.default.createDirectory(
            atPath: self.folder, withIntermediateDirectories: true)
        let file = self.folder + "/site-b.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
        return try ReceiverConfiguration.load(file: file)
    }

    @Test("staging the next segments, handing them over from the spool, cleaning passed ones")
    func spool() throws {
        defer { try? FileManager.default.removeItem(atPath: self.folder) }
        let configuration = try self.configuration(prefetch: 3)
        #expect(configuration.tls.certificate == self.folder + "/b.pem", "relative to the file")
        let archive = try WALArchive(folder: configuration.walFolder)
        let size = 1 << 20
        var contents: [String: [UInt8]] = [:]
        for number in 1...5 {
            let name = String(format: "0000000100000000000000%02X", number)
            let bytes = [UInt8](repeating: UInt8(number), count: size)
            _ = try archive.store(WALFileName(name)!, contents: bytes)
            contents[name] = bytes
        }
        let fetcher = try WALFetcher(configuration)
        let target = self.folder + "/RECOVERYXLOG"

        let following = try fetcher.fetch(WALFileName("000000010000000000000001")!, to: target)
        #expect(
            following.map(\.name)
                == (2...4).map { String(format: "0000000100000000000000%02X", $0) })
        #expect(
            FileManager.default.contents(atPath: target).map { [UInt8]($0) }
                == contents["000000010000000000000001"])
        fetcher.stage(following)
        let staged = try FileManager.default.contentsOfDirectory(
            atPath: configuration.prefetchDirectory)
        #expect(staged.sorted() == following.map(\.name))

        // Segment 3 from the spool; 2, passed over, is cleaned; only 5 is left to stage.
        let next = try fetcher.fetch(WALFileName("000000010000000000000003")!, to: target)
        #expect(
            FileManager.default.contents(atPath: target).map { [UInt8]($0) }
                == contents["000000010000000000000003"])
        #expect(next.map(\.name) == ["000000010000000000000005"])
        let left = try FileManager.default.contentsOfDirectory(
            atPath: configuration.prefetchDirectory)
        #expect(left == ["000000010000000000000004"])

        #expect {
            _ = try fetcher.fetch(WALFileName("000000010000000000000009")!, to: target)
        } throws: { ($0 as? ReplicatorError)?.code == .missing }
    }
}
