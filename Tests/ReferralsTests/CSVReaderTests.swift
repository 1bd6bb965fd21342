import Testing

@testable import Referrals

@Suite struct CSVReaderTests {
    @Test("quoted fields hold commas, doubled quotes and line breaks; records keep their line")
    func quoting() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3"
        let records = try CSVReader.records(text)
        #expect(records.count == 3)
        #expect(records[1] == CSVRecord(line: 2, fields: ["x, y", "say \"hi\"", "two\nlines"]))
        #expect(records[2] == CSVRecord(line: 4, fields: ["1", "", "3"]))
    }

    @Test("a byte order mark, blank lines and a missing final break are accepted")
    func tolerance() throws {
        let records = try CSVReader.records("\u{FEFF}h1,h2\n\nv1,\"\"")
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["h1", "h2"]), CSVRecord(line: 3, fields: ["v1", ""]),
            ])
    }

    @Test("malformed quoting is refused with its line")
    func malformed() {
        for (text, line) in [("a\nb\"c\n", 2), ("a\n\"b\"c\n", 2), ("a\nb\n\"open,\n\n", 3)] {
            #expect {
                try CSVReader.records(text)
            } throws: { error in
                (error as? ProcedureCatalogueError)?.issues.first?.line == line
            }
        }
    }
}
