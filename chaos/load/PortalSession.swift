import Foundation

/// A referrer signed in through the front door the way a browser is: password, then the
/// one-time code the portal e-mails (read from the demo mail catcher's log), giving the
/// session cookie and the CSRF token every submission carries. Also finds, through the
/// API, a procedure and a scanning site that offers it, so the load refers to real
/// catalogue entries.
struct PortalSession {
    let cookie: String
    let csrfToken: String
    let procedureID: String
    let modality: String
    let siteID: String

    /// The procedure the load refers for: MRI of knee (SNOMED CT 241641004), and the
    /// postcode whose nearest offering site is chosen.
    static let procedureCode = "241641004"
    static let patientPostcode = "LS9 7TF"

    /// Signs `email` in on the front door at `port`, the code read from `mailLog`.
    static func open(
        port: Int, email: String, password: String, mailLog: String
    ) throws(ChaosError) -> PortalSession {
        let http = HTTPExchange(port: port, timeout: .seconds(10))
        let offset = Self.size(of: mailLog)
        let challenge = try Self.json(
            http.send(
                "POST", "/api/v1/sign-in", headers: ["Content-Type": "application/json"],
                body: Array(#"{"email":"\#(email)","password":"\#(password)"}"#.utf8)),
            expect: 202, step: "sign-in")
        guard let id = challenge["challenge"] as? String else {
            throw ChaosError(.setup, "the sign-in answer has no challenge")
        }
        let code = try Self.code(to: email, in: mailLog, after: offset)
        let signedIn = http.send(
            "POST", "/api/v1/sign-in/code", headers: ["Content-Type": "application/json"],
            body: Array(#"{"challenge":"\#(id)","code":"\#(code)"}"#.utf8))
        let session = try Self.json(signedIn, expect: 200, step: "sign-in code")
        guard let csrf = session["csrfToken"] as? String,
            case .success(let answer) = signedIn,
            let cookie = answer.headers["set-cookie"]?.split(separator: ";").first
        else {
            throw ChaosError(.setup, "the code step set no session cookie or CSRF token")
        }

        let headers = ["Cookie": String(cookie)]
        let procedures = try Self.json(
            http.send("GET", "/api/v1/procedures?q=\(Self.procedureCode)", headers: headers),
            expect: 200, step: "procedure search")
        guard let procedure = (procedures["items"] as? [[String: Any]])?.first,
            let procedureID = procedure["id"] as? String,
            let modality = procedure["modality"] as? String
        else {
            throw ChaosError(.setup, "the catalogue has no procedure \(Self.procedureCode)")
        }
        let postcode = Self.patientPostcode.replacingOccurrences(of: " ", with: "%20")
        let nearest = try Self.json(
            http.send(
                "GET", "/api/v1/sites/nearest?postcode=\(postcode)&procedure=\(procedureID)",
                headers: headers),
            expect: 200, step: "nearest sites")
        guard let first = (nearest["items"] as? [[String: Any]])?.first,
            let siteID = (first["site"] as? [String: Any])?["id"] as? String
        else {
            throw ChaosError(.setup, "no site offers \(procedureID) near \(Self.patientPostcode)")
        }
        return PortalSession(
            cookie: String(cookie), csrfToken: csrf, procedureID: procedureID,
            modality: modality, siteID: siteID)
    }

    /// The headers of an authenticated, CSRF-protected JSON request.
    var headers: [String: String] {
        [
            "Cookie": self.cookie, "X-CSRF-Token": self.csrfToken,
            "Content-Type": "application/json",
        ]
    }

    private static func json(
        _ result: Result<HTTPExchange.Response, HTTPExchange.Failure>, expect: Int, step: String
    ) throws(ChaosError) -> [String: Any] {
        switch result {
        case .failure(let failure):
            throw ChaosError(.setup, "\(step): no answer (\(failure))")
        case .success(let response):
            guard response.status == expect,
                let object = try? JSONSerialization.jsonObject(with: Data(response.body))
                    as? [String: Any]
            else {
                throw ChaosError(
                    .setup, "\(step) answered \(response.status): \(response.text.prefix(300))")
            }
            return object
        }
    }

    private static func size(of path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Waits (up to 30 s) for the sign-in code e-mailed to `email` after `offset`.
    private static func code(
        to email: String, in mailLog: String, after offset: Int
    ) throws(ChaosError) -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: mailLog), data.count > offset {
                let text = String(decoding: data[offset...], as: UTF8.self)
                for block in text.components(separatedBy: "=== e-mail to ").dropFirst()
                where block.hasPrefix(email) && block.contains("sign-in code") {
                    let words = block.split(whereSeparator: { !$0.isNumber })
                    if let code = words.first(where: { $0.count == 6 }) {
                        return String(code)
                    }
                }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw ChaosError(.setup, "no sign-in code for \(email) in \(mailLog) within 30 s")
    }
}
