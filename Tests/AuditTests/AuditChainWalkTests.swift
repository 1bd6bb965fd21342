import Foundation
import Tenancy
import Testing

@testable import Audit

/// The chain walk on rows built in memory: every kind of break, without a database.
@Suite("Audit chain walk")
struct AuditChainWalkTests {
    let tenant = TenantID(UUID(uuidString: "0b8e8f6e-4c1a-4f5e-9d3b-1a2b3c4d5e6f")!)

    /// A sound chain of `count` rows, hashed as the database hashes them.
    func chain(_ count: Int) throws -> [AuditChainRow] {
        var rows: [AuditChainRow] = []
        var previous = AuditChainWalk.genesisHash
        for index in 1...count {
            let fields: [String?] = [
                "\(index)", self.tenant.description, "\(index)", "2026-12-03T18:00:00.000000Z",
                nil, nil, "referral.read", "referral", "r\(index)", nil, "req-\(index)", nil,
                "{\"n\": \(index)}",
            ]
            let unsigned = AuditChainRow(
                id: Int64(index), seq: Int64(index), fields: fields, previousHash: previous,
                rowHash: [])
            let hash = try #require(unsigned.expectedHash())
            rows.append(
                AuditChainRow(
                    id: Int64(index), seq: Int64(index), fields: fields, previousHash: previous,
                    rowHash: hash))
            previous = hash
        }
        return rows
    }

    /// Walks `rows` and the head; returns the first break.
    func walk(
        _ rows: [AuditChainRow], headSeq: Int64?, headHash: [UInt8]?
    ) throws
        -> AuditChainBreak?
    {
        var walk = AuditChainWalk(tenant: self.tenant)
        for row in rows {
            if let found = try walk.check(row) { return found }
        }
        return walk.finish(headSeq: headSeq, headHash: headHash)
    }

    @Test("a sound chain and its head pass")
    func sound() throws {
        let rows = try self.chain(5)
        #expect(try self.walk(rows, headSeq: 5, headHash: rows[4].rowHash) == nil)
        #expect(try self.walk([], headSeq: nil, headHash: nil) == nil)
    }

    @Test("a changed field is reported as an altered row, naming it")
    func altered() throws {
        var rows = try self.chain(4)
        var fields = rows[2].fields
        fields[12] = "{\"n\": 99}"
        rows[2] = AuditChainRow(
            id: rows[2].id, seq: rows[2].seq, fields: fields, previousHash: rows[2].previousHash,
            rowHash: rows[2].rowHash)

        let found = try #require(try self.walk(rows, headSeq: 4, headHash: rows[3].rowHash))
        #expect(found.kind == .altered)
        #expect(found.rowID == 3)
        #expect(found.found == rows[2].rowHash.hex)
        #expect(found.description.contains("row 3 (seq 3) was altered"))
    }

    @Test("a removed row is a gap naming the row after it")
    func removed() throws {
        var rows = try self.chain(4)
        rows.remove(at: 1)

        let found = try #require(try self.walk(rows, headSeq: 4, headHash: rows[2].rowHash))
        #expect(found.kind == .missingRows)
        #expect(found.rowID == 3)
        #expect(found.expected == "2")
    }

    @Test("swapped rows break the link at the first of them")
    func reordered() throws {
        var rows = try self.chain(4)
        rows.swapAt(1, 2)
        // Renumbered, as someone hiding the swap would: seq follows position.
        rows = rows.enumerated().map { index, row in
            AuditChainRow(
                id: row.id, seq: Int64(index + 1), fields: row.fields,
                previousHash: row.previousHash, rowHash: row.rowHash)
        }

        let found = try #require(try self.walk(rows, headSeq: 4, headHash: rows[3].rowHash))
        #expect(found.kind == .brokenLink)
        #expect(found.rowID == 3)
        #expect(found.expected == rows[0].rowHash.hex)
    }

    @Test("a chain cut short of its head is reported at its end")
    func truncatedTail() throws {
        let rows = try self.chain(4)

        let found = try #require(
            try self.walk(Array(rows.prefix(3)), headSeq: 4, headHash: rows[3].rowHash))
        #expect(found.kind == .headMismatch)
        #expect(found.rowID == 3)
        #expect(found.expected.hasPrefix("seq 4 "))
    }

    @Test("rows without a head, or a head without rows, disagree")
    func missingHead() throws {
        let rows = try self.chain(2)
        #expect(try self.walk(rows, headSeq: nil, headHash: nil)?.kind == .headMismatch)
        #expect(try self.walk([], headSeq: 2, headHash: rows[1].rowHash)?.kind == .headMismatch)
    }

    @Test("the canonical encoding length-prefixes fields and marks NULL")
    func canonicalEncoding() {
        let row = AuditChainRow(
            id: 1, seq: 1, fields: ["ab", nil, "é"], previousHash: [], rowHash: [])
        #expect(
            row.canonicalEncoding == [
                0, 0, 0, 2, 0x61, 0x62, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0xc3, 0xa9,
            ])
    }
}
