import Accounts
import Foundation
import HTTP
import Referrals

/// Referral submission and the referrer's tracking lists and detail.
extension PortalAPI {
    static func referralEndpoints(referrals: Referrals) -> [Endpoint] {
        [
            Endpoint(
                method: .post, path: "/api/v1/referrals", access: .user(nil),
                operation: Operation(
                    id: "submitReferral",
                    summary: "Refer a patient (referrer, or delegate naming the referrer)",
                    tag: "referrals", body: "ReferralForm",
                    parameters: [], status: 201,
                    description: "Accepted; a retry with the same Idempotency-Key and body "
                        + "answers the same again",
                    response: "SubmittedReferral",
                    responseHeaders: [
                        ("Location", "The referral's URL"),
                        ("Idempotent-Replayed", "`true` when this is the stored first answer"),
                    ],
                    errors: [400, 422])
            ) { request throws(Problem) in
                let user = try request.requireUser()
                let key = try request.referrals { () throws(ReferralsError) in
                    try IdempotencyKey(
                        header: request.http.headers["Idempotency-Key"], body: request.http.body)
                }
                let form = try request.body(ReferralForm.self)
                let answer = try await request.referrals { () async throws(ReferralsError) in
                    try await referrals.submit(
                        form, key: key, by: user.referralActor, tenant: request.tenant,
                        origin: request.referralOrigin)
                }
                var headers: HTTPHeaders = [
                    "Content-Type": "application/json", "Location": answer.location,
                ]
                if answer.replayed { headers.replaceOrAdd("Idempotent-Replayed", "true") }
                return HTTPResponse(
                    status: HTTPStatus(code: answer.status), headers: headers, body: answer.body)
            },
            Endpoint(
                method: .get, path: "/api/v1/referrals", access: .user(nil),
                operation: Operation(
                    id: "listReferrals",
                    summary: "Live referrals: own, made on one's behalf, or made as a delegate",
                    tag: "referrals", parameters: Self.referralListParameters, status: 200,
                    description: "One page, newest first", response: "ReferralPage",
                    errors: [400])
            ) { request throws(Problem) in
                try await Self.listReferrals(request, referrals: referrals, archive: false)
            },
            Endpoint(
                method: .get, path: "/api/v1/referrals/archive", access: .user(nil),
                operation: Operation(
                    id: "listArchivedReferrals",
                    summary: "Referrals completed, rejected or cancelled in the past 12 months",
                    tag: "referrals", parameters: Self.referralListParameters, status: 200,
                    description: "One page, newest first", response: "ReferralPage",
                    errors: [400])
            ) { request throws(Problem) in
                try await Self.listReferrals(request, referrals: referrals, archive: true)
            },
            Endpoint(
                method: .get, path: "/api/v1/referrals/:id", access: .user(nil),
                operation: Operation(
                    id: "getReferral", summary: "One referral with its event history",
                    tag: "referrals", status: 200, description: "The referral",
                    response: "ReferralDetail")
            ) { request throws(Problem) in
                let id = try request.id("id")
                let user = try request.requireUser()
                let detail = try await request.referrals { () async throws(ReferralsError) in
                    try await referrals.detail(
                        id, by: user.referralActor, tenant: request.tenant,
                        origin: request.referralOrigin)
                }
                return JSONResponse.make(detail)
            },
        ]
    }

    private static func listReferrals(
        _ request: PortalRequest, referrals: Referrals, archive: Bool
    ) async throws(Problem) -> HTTPResponse {
        let user = try request.requireUser()
        let filter = try request.referrals { () throws(ReferralsError) in
            try ReferralFilter(query: request.http.query)
        }
        let page = try await request.referrals { () async throws(ReferralsError) in
            try await referrals.list(
                filter, archive: archive, by: user.referralActor, tenant: request.tenant,
                origin: request.referralOrigin)
        }
        return JSONResponse.make(page)
    }

    static let referralListParameters: [Operation.Parameter] = [
        .init(
            name: "state", description: "Only referrals in this state",
            schema: OpenAPISchemas.enumeration(ReferralFilter.states)),
        .init(
            name: "urgency", description: "Only referrals of this urgency",
            schema: OpenAPISchemas.enumeration(Urgency.allCases.map(\.rawValue))),
        .init(
            name: "modality", description: "Only referrals for this modality",
            schema: OpenAPISchemas.enumeration(Modality.allCases.map(\.rawValue))),
        .init(
            name: "nhsNumber", description: "Only this patient's referrals",
            schema: ["type": "string"]),
        .init(
            name: "name", description: "Part of the patient's name, any case (2 to 100 letters)",
            schema: ["type": "string", "minLength": 2, "maxLength": 100]),
        .init(
            name: "limit", description: "Referrals per page, 1 to 100 (25)",
            schema: ["type": "integer", "minimum": 1, "maximum": 100]),
        .init(
            name: "after", description: "The `next` cursor of the previous page",
            schema: ["type": "string", "format": "uuid"]),
    ]
}

extension SignedInUser {
    /// The user as the Referrals module sees them.
    var referralActor: ReferralActor {
        ReferralActor(
            userID: self.userID, isReferrer: self.has(.referrer), isDelegate: self.has(.delegate))
    }
}

extension PortalRequest {
    var referralOrigin: ReferralOrigin {
        ReferralOrigin(requestID: self.origin.requestID, address: self.origin.address)
    }

    /// Runs a referrals operation, turning its refusal into the problem to answer with.
    /// Failures that are not the caller's are logged (at debug) under the request's id.
    func referrals<Value>(
        _ body: () async throws(ReferralsError) -> Value
    ) async throws(Problem) -> Value {
        do {
            return try await body()
        } catch {
            throw self.problem(error)
        }
    }

    func referrals<Value>(_ body: () throws(ReferralsError) -> Value) throws(Problem) -> Value {
        do {
            return try body()
        } catch {
            throw self.problem(error)
        }
    }

    private func problem(_ error: ReferralsError) -> Problem {
        if error.code == .unavailable {
            self.http.logger.debug(
                "referrals operation failed", [("error", .string(error.description))])
        }
        return ReferralProblem.from(error)
    }
}
