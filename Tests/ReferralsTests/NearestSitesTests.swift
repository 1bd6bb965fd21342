import Foundation
import Testing

@testable import Referrals

@Suite("Sites: nearest", .serialized)
struct NearestSitesTests {
    /// LS1 4AP (Leeds city centre) to DMO01 at LS9 7TF (St James's University Hospital), by
    /// hand from OSTN15's WGS84 positions of their Code-Point Open grid references
    /// (429363 433330 → 53.795472 N 1.555729 W; 431684 434615 → 53.806885 N 1.520363 W):
    /// Δφ = 0.011413° = 1.99194e-4 rad, Δλ = 0.035366° = 6.17253e-4 rad,
    /// cos φ1 cos φ2 = 0.590669 × 0.590509 = 0.348795;
    /// h = sin²(9.9597e-5) + 0.348795 × sin²(3.08627e-4) = 9.9196e-9 + 3.32229e-8
    ///   = 4.31425e-8; d = 2 × 3958.8 × asin(√h) = 7917.6 × 2.07708e-4 = 1.645 mi.
    @Test("five nearest active sites offering the procedure, nearest first, one by hand")
    func nearest() async throws {
        let world = try await SitesWorld.make()
        _ = try await world.load(SitesWorld.demoSites, into: world.alliance)
        // The other tenant has a site closer to the patient than any of alliance's.
        _ = try await world.load(
            text: SitesWorld.header
                + "OTH01,Other Leeds MRI,Leeds General Infirmary,Leeds,LS2 9JT,MRI,static,"
                + "A B,0113 496 0000,a@b.example,241641004,\n",
            into: world.other)

        let kneeMRI = try await world.procedure("241641004", of: world.alliance)
        let found = try await world.nearest("ls14ap", kneeMRI, for: world.alliance)
        #expect(found.postcode.value == "LS1 4AP")
        #expect(found.sites.count == 5)
        let codes = found.sites.map(\.site.odsCode)
        #expect(codes.first == "DMO01")
        #expect(abs(found.sites[0].miles - 1.645) < 0.1)
        // York 22.6 mi, Manchester 35.9, Edinburgh 159.8, London 169.8 (OSTN15 positions).
        #expect(codes == ["DMO01", "DMO16", "DMO02", "DMO04", "DMO10"])
        #expect(found.sites.map(\.miles) == found.sites.map(\.miles).sorted())
        #expect(!codes.contains("OTH01"), "another tenant's site")
        #expect(!codes.contains("DMO14"), "an inactive site")
        #expect(found.sites.allSatisfy { $0.site.modalities.contains(.mri) && $0.site.active })
        #expect(found.attribution.lines.contains { $0.hasPrefix("Contains OS data ©") })
        #expect(found.attribution.licence == "Open Government Licence v3.0")

        // The other tenant sees only its own site.
        let otherKnee = try await world.procedure("241641004", of: world.other)
        let theirs = try await world.nearest("LS1 4AP", otherKnee, for: world.other)
        #expect(theirs.sites.map(\.site.odsCode) == ["OTH01"])
        // Alliance's procedure id means nothing to the other tenant.
        #expect(await world.searchError("LS1 4AP", kneeMRI, for: world.other) == .unknownProcedure)
    }

    @Test("unknown and malformed postcodes, an unknown procedure, and one offered nowhere")
    func refusals() async throws {
        let world = try await SitesWorld.make()
        _ = try await world.load(
            text: SitesWorld.header
                + "OTH01,Other Leeds MRI,Leeds General Infirmary,Leeds,LS2 9JT,MRI,static,"
                + "A B,0113 496 0000,a@b.example,241641004,\n",
            into: world.other)
        let knee = try await world.procedure("241641004", of: world.other)

        #expect(await world.searchError("LS1 9ZZ", knee, for: world.other) == .unknownPostcode)
        #expect(await world.searchError("LS1", knee, for: world.other) == .malformedPostcode)
        let unplaced = await world.searchError("AB43 1AG", knee, for: world.other)
        #expect(unplaced == .postcodeWithoutPosition)
        #expect(await world.searchError("LS1 4AP", UUID(), for: world.other) == .unknownProcedure)

        let petCT = try await world.procedure("443271005", of: world.other)
        let nowhere = try await world.nearest("LS1 4AP", petCT, for: world.other)
        #expect(nowhere.sites.isEmpty)
    }
}
