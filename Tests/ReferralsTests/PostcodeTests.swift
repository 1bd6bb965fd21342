import Testing

@testable import Referrals

@Suite struct PostcodeTests {
    @Test("every outward format, any case and spacing, comes out in normal form")
    func formats() {
        let cases = [
            ("m1 1ae", "M1 1AE"), ("B338TH", "B33 8TH"), ("w1a 0ax", "W1A 0AX"),
            ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"), ("ec1a1bb", "EC1A 1BB"),
            ("  SW1A   1AA ", "SW1A 1AA"), ("gir 0aa", "GIR 0AA"),
        ]
        for (text, normal) in cases {
            #expect(Postcode(text)?.value == normal, "\(text)")
        }
        #expect(Postcode("EC1A 1BB")?.outward == "EC1A")
    }

    @Test("malformed postcodes are refused")
    func malformed() {
        for text in [
            "", "SW1A", "1AA 1AA", "SW1A 1A", "SW1A 11A", "SW1AA 1AA", "S 1AA", "AAA9 9AA",
            "SW1A 1CA", "SW1A 1AI", "M1 1AE!", "M1\u{00C9} 1AE", "99 9AA", "A9A9 9AA",
        ] {
            #expect(Postcode(text) == nil, "\(text)")
        }
    }
}

@Suite struct ModalityTests {
    @Test("catalogue labels map to the modality by their leading word")
    func labels() {
        #expect(Modality(catalogueLabel: "PET-CT (FDG)") == .petCT)
        #expect(Modality(catalogueLabel: "MRA") == .mri)
        #expect(Modality(catalogueLabel: "MRI (MRCP)") == .mri)
        #expect(Modality(catalogueLabel: "CT-guided biopsy") == .ct)
        #expect(Modality(catalogueLabel: "CT angiography") == .ct)
        #expect(Modality(catalogueLabel: "US (echo)") == .ultrasound)
        #expect(Modality(catalogueLabel: "DEXA") == .dexa)
        #expect(Modality(catalogueLabel: "Fluoroscopy") == nil)
        #expect(Modality.ct.isIonising && !Modality.mri.isIonising)
    }
}
