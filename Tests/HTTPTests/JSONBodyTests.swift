import Foundation
import HTTP
import Testing

private struct Referral: Codable, Equatable {
    enum Modality: String, Codable { case mri, ct, petCT = "pet-ct", ultrasound }

    struct Patient: Codable, Equatable {
        var nhsNumber: String
        var initials: String?
    }

    var patient: Patient
    var modality: Modality
    var sites: [Int]
    var urgent: Bool?
    var requestedAt: Date?
}

/// A body type whose own validation throws a problem naming the field.
private struct Slot: Decodable {
    var minutes: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.minutes = try container.decode(Int.self, forKey: .minutes)
        guard (5...240).contains(self.minutes) else {
            throw Problem.validation([.init(pointer: "/minutes", message: "must be 5 to 240")])
        }
    }

    enum CodingKeys: String, CodingKey { case minutes }
}

@Suite struct JSONBodyTests {
    private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        var headers = HTTPHeaders()
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(method: .post, path: "/", headers: headers, body: Array(body.utf8))
    }

    private func problem<T: Decodable>(
        _ type: T.Type, _ body: String, contentType: String? = "application/json"
    ) -> Problem? {
        do {
            _ = try self.request(body, contentType: contentType).decodeJSON(type)
            return nil
        } catch {
            return error
        }
    }

    private let valid =
        #"{"patient":{"nhsNumber":"9434765919"},"modality":"pet-ct","sites":[3,7],"#
        + #""requestedAt":"2026-12-03T09:30:00Z"}"#

    @Test func decodesAValidBody() throws {
        let referral = try self.request(self.valid, contentType: "Application/JSON; charset=UTF-8")
            .decodeJSON(Referral.self)

        #expect(referral.patient.nhsNumber == "9434765919")
        #expect(referral.modality == .petCT)
        #expect(referral.sites == [3, 7])
        #expect(referral.requestedAt == Date(timeIntervalSince1970: 1_796_290_200))
    }

    @Test func refusesOtherMediaTypesWith415() {
        for contentType in [
            nil, "text/plain", "application/jsonx", "application/json; charset=latin1",
            "multipart/form-data",
        ] {
            let problem = self.problem(Referral.self, self.valid, contentType: contentType)
            #expect(problem?.status.code == 415, "\(contentType ?? "none")")
            #expect(problem?.headers["Accept"] == "application/json")
        }
    }

    @Test func emptyAndMalformedBodiesAre400WithAPosition() throws {
        #expect(self.problem(Referral.self, "")?.status.code == 400)

        let problem = try #require(
            self.problem(
                Referral.self, "{\"patient\": {\"nhsNumber\": \"1\"},\n \"modality\": mri}"))
        #expect(problem.status.code == 400)
        #expect(problem.detail?.contains("character 45") == true, "\(problem.detail ?? "")")

        let truncated = try #require(self.problem(Referral.self, #"{"patient": {"#))
        #expect(truncated.detail?.contains("end of file") == true, "\(truncated.detail ?? "")")
    }

    @Test(arguments: [
        (#"{"modality":"mri","sites":[]}"#, "/patient", "is required"),
        (#"{"patient":{},"modality":"mri","sites":[]}"#, "/patient/nhsNumber", "is required"),
        (
            #"{"patient":{"nhsNumber":9434765919},"modality":"mri","sites":[]}"#,
            "/patient/nhsNumber", "must be a string"
        ),
        (
            #"{"patient":{"nhsNumber":null},"modality":"mri","sites":[]}"#, "/patient/nhsNumber",
            "must not be null; expected a string"
        ),
        (
            #"{"patient":{"nhsNumber":"1"},"modality":"xray","sites":[]}"#, "/modality",
            "is not one of the accepted values"
        ),
        (
            #"{"patient":{"nhsNumber":"1"},"modality":"mri","sites":[1,"two"]}"#, "/sites/1",
            "must be an integer"
        ),
        (
            #"{"patient":{"nhsNumber":"1"},"modality":"mri","sites":{}}"#, "/sites",
            "must be an array"
        ),
        (
            #"{"patient":{"nhsNumber":"1"},"modality":"mri","sites":[],"urgent":"yes"}"#, "/urgent",
            "must be a boolean"
        ),
        (#"[1]"#, "", "must be an object"),
    ])
    func wrongShapesAre422NamingTheField(body: String, pointer: String, message: String) throws {
        let problem = try #require(self.problem(Referral.self, body))

        #expect(problem.status.code == 422)
        #expect(problem.errors == [.init(pointer: pointer, message: message)])
        #expect(problem.detail?.isEmpty == false)
    }

    @Test func problemsThrownByTheTypesOwnValidationPassThrough() throws {
        let problem = try #require(self.problem(Slot.self, #"{"minutes": 1000}"#))

        #expect(problem == .validation([.init(pointer: "/minutes", message: "must be 5 to 240")]))
    }

    @Test func unknownFieldsAreIgnoredByDefaultAndRefusedWhenStrict() throws {
        let body =
            #"{"patient":{"nhsNumber":"1","nhs":"x"},"modality":"mri","sites":[],"urgnet":true,"#
            + #""initials":null}"#

        let lenient = try self.request(body).decodeJSON(Referral.self)
        #expect(lenient.urgent == nil)

        do {
            _ = try self.request(body).decodeStrictJSON(Referral.self)
            Issue.record("unknown fields were accepted")
        } catch {
            #expect(error.status.code == 422)
            #expect(error.errors.map(\.pointer) == ["/patient/nhs", "/urgnet"])
        }

        let strictOK = try self.request(self.valid).decodeStrictJSON(Referral.self)
        #expect(strictOK.sites == [3, 7])
        let withNull =
            #"{"patient":{"nhsNumber":"1","initials":null},"modality":"mri","sites":[],"#
            + #""urgent":null}"#
        #expect(try self.request(withNull).decodeStrictJSON(Referral.self).urgent == nil)
    }
}
