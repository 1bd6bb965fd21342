import Foundation
import Testing

@testable import Referrals

@Suite struct PostcodeFileTests {
    static func records(
        _ text: String, _ source: PostcodeSource = .codePoint
    ) throws -> [PostcodeRecord] {
        var file = try PostcodeFile(
            path: try SitesFiles.temporary(text), source: source)
        var records: [PostcodeRecord] = []
        while let record = try file.next() { records.append(record) }
        return records
    }

    static func failure(
        _ text: String, _ source: PostcodeSource = .codePoint
    ) -> PostcodeImportError? {
        do {
            _ = try Self.records(text, source)
            return nil
        } catch let error as PostcodeImportError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Code-Point Open lines, full and trimmed, quoted or not, become records")
    func codePoint() throws {
        let records = try Self.records(
            """
            "LS1 4AP",10,429363,433330,"E92000001","E19000003","E18000003","","E08000035",\
            "E05011414"
            EH164SA,10,329109,670436
            AB43 1AG,90,0,0\r

            """)
        #expect(records.count == 3)
        #expect(records[0].postcode.value == "LS1 4AP")
        #expect(records[0].countryCode == "E92000001")
        #expect(records[0].countyCode == nil)
        #expect(records[0].wardCode == "E05011414")
        #expect(records[1].postcode.value == "EH16 4SA")
        #expect(records[1].grid == GridReference(eastings: 329109, northings: 670436))
        let edinburgh = try #require(records[1].position)
        #expect(abs(edinburgh.latitude - 55.9218) < 0.001)
        #expect(records[2].positionalQuality == 90 && records[2].position == nil)
    }

    @Test("a bad Code-Point Open line is an error naming its file and line")
    func codePointFaults() {
        let cases: [(String, Int, String)] = [
            ("LS1 4AP,10,429363,433330\nXX,10,1,1\n", 2, "is not a UK postcode"),
            ("LS1 4AP,10,429363,433330\nLS1 4AQ,15,1,1\n", 2, "positional quality"),
            ("LS1 4AP,10,429363\n", 1, "has 3 fields"),
            ("LS1 4AP,10,429363,433330\n\nLS2 9JT,10,800000,1\n", 3, "eastings"),
            ("LS1 4AP,10,42936x,433330\n", 1, "eastings"),
            ("LS1 4AP,10,429363,433330,\"E92000001\"x,,,,,\n", 1, "closing quote"),
            ("LS1 4AP,10,429363,433330,e92,,,,,\n", 1, "country code"),
        ]
        for (text, line, message) in cases {
            let error = Self.failure(text)
            #expect(error?.line == line, "\(text)")
            let found = String(describing: error)
            #expect(error?.message.contains(message) == true, "\(text): \(found)")
            #expect(error?.file?.hasSuffix("postcodes.csv") == true)
        }
    }

    /// Columns as the ONS Postcode Directory names them, in an order of its own, with
    /// a terminated postcode, a Northern Irish one (Irish Grid: no OSGB36 grid kept) and
    /// one without a grid reference.
    static let onspd = """
        pcd,pcd2,pcds,dointr,doterm,oscty,oslaua,osward,usertype,oseast1m,osnrth1m,osgrdind,\
        oshlthau,nhser,ctry,rgn,lat,long,icb,sicbl
        LS1 4AP,LS1  4AP,LS1 4AP,198001,,E99999999,E08000035,E05011414,0,429363,433330,1,\
        E18000003,E40000012,E92000001,E12000003,53.795385,-1.548219,E54000054,E38000225
        LS1 1AA,LS1  1AA,LS1 1AA,198001,200012,E99999999,E08000035,E05011414,1,429800,433500,4,\
        E18000003,E40000012,E92000001,E12000003,53.797,-1.5416,E54000054,E38000225
        BT9 7AB,BT9  7AB,BT9 7AB,198001,,N99999999,N09000003,N08000312,0,333800,371500,1,\
        ZC,,N92000002,N99999999,54.5834,-5.9366,,
        AB1 0AA,AB1  0AA,AB1 0AA,198001,199606,S99999999,S12000033,S13002843,1,,,9,\
        SA9,,S92000003,S99999999,99.999999,0.000000,,

        """

    @Test("ONSPD rows are read by the names in their header")
    func onspdRows() throws {
        let records = try Self.records(Self.onspd, .onspd)
        #expect(records.map(\.postcode.value) == ["LS1 4AP", "LS1 1AA", "BT9 7AB", "AB1 0AA"])
        #expect(records[0].position == GeoPoint(latitude: 53.795385, longitude: -1.548219))
        #expect(records[0].grid == GridReference(eastings: 429363, northings: 433330))
        #expect(records[0].icbCode == "E54000054" && records[0].subICBCode == "E38000225")
        #expect(records[0].regionCode == "E12000003" && records[0].positionalQuality == 10)
        #expect(records[1].terminatedOn == "2000-12-01" && records[1].positionalQuality == 40)
        #expect(records[2].grid == nil && records[2].position != nil)
        #expect(records[3].position == nil && records[3].positionalQuality == 90)
    }

    @Test("an ONSPD file without the columns it needs, or with a bad row, is refused")
    func onspdFaults() {
        let noHeader = Self.failure("pcds,doterm\nLS1 4AP,\n", .onspd)
        #expect(noHeader?.line == 1 && noHeader?.message.contains("osgrdind") == true)
        #expect(Self.failure("", .onspd)?.message.contains("no header") == true)

        let header = "pcds,doterm,osgrdind,lat,long\n"
        let badMonth = Self.failure(header + "LS1 4AP,2001,1,53.79,-1.54\n", .onspd)
        #expect(badMonth?.line == 2 && badMonth?.message.contains("doterm") == true)
        let outside = Self.failure(header + "LS1 4AP,,1,40.0,-1.54\n", .onspd)
        #expect(outside?.line == 2 && outside?.message.contains("outside the UK") == true)
        let short = Self.failure(header + "LS1 4AP,,1,53.79\n", .onspd)
        #expect(short?.message.contains("has 4 fields") == true)
    }
}
