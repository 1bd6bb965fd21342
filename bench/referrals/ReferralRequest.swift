/// The HTTP side's requests: `POST /api/v1/referrals` with a complete MRI knee referral for
/// patient `n`, the client's session cookie and CSRF token, and a fresh Idempotency-Key.
/// Written straight into bytes: the load generator must cost less than the work it asks for.
struct ReferralRequest {
    /// What every request of one client shares.
    struct Fixed: Codable, Sendable {
        let host: String
        let cookie: String
        let csrfToken: String
        let procedureID: String
        let siteID: String
    }

    static func bytes(patient n: Int, key: Int, _ fixed: Fixed) -> [UInt8] {
        let body = Array(Self.body(patient: n, fixed).utf8)
        let head =
            "POST /api/v1/referrals HTTP/1.1\r\nHost: \(fixed.host)\r\n"
            + "Cookie: \(fixed.cookie)\r\nX-CSRF-Token: \(fixed.csrfToken)\r\n"
            + "Content-Type: application/json\r\nIdempotency-Key: \(key)\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    static func body(patient n: Int, _ fixed: Fixed) -> String {
        let patient = PatientPool.Demographics(n: n)
        let nhs = PatientPool.nhsNumber(serial: n)
        return """
            {"patient":{"nhsNumber":"\(nhs)","givenName":"\(patient.givenName)",\
            "familyName":"\(patient.familyName)","dateOfBirth":"\(patient.dateOfBirth)",\
            "statedGender":"\(patient.statedGender)","phenotypicSex":"\(patient.statedGender)",\
            "address":{"lines":["\(patient.addressLine)"],\
            "town":"\(PatientPool.Demographics.town)",\
            "postcode":"\(PatientPool.Demographics.postcode)"},\
            "mobile":"\(patient.mobileTyped)","email":"\(patient.email)",\
            "gpPractice":"\(PatientPool.Demographics.gpPractice)"},\
            "clinicalHistory":"Locking of the right knee after a twisting injury at football.",\
            "clinicalQuestion":"Meniscal tear?","modality":"MRI",\
            "procedureID":"\(fixed.procedureID)","urgency":"routine",\
            "preferredSiteID":"\(fixed.siteID)",\
            "safety":{"mri":{"pacemakerOrICD":false,"cochlearImplant":false,\
            "aneurysmClips":false,"metalInEyes":false,"otherImplants":false,\
            "claustrophobia":false}}}
            """
    }
}
