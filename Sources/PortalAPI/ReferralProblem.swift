import HTTP
import Referrals

/// The problems the referral endpoints answer with.
enum ReferralProblem {
    static func from(_ error: ReferralsError) -> Problem {
        let fields = error.fields.map {
            Problem.FieldError(pointer: $0.pointer, message: $0.message)
        }
        switch error.code {
        case .invalidFields:
            return Problem.validation(fields)
        case .stopped:
            return Problem(
                status: .unprocessableContent, type: PortalProblem.type("referral-stopped"),
                title: "Referral stopped by its safety answers", detail: error.message,
                errors: fields)
        case .keyReused:
            return Problem(
                status: .unprocessableContent, type: PortalProblem.type("idempotency-key-reused"),
                title: "Idempotency-Key used for another request", detail: error.message)
        case .badKey:
            return Problem(
                status: .badRequest, type: PortalProblem.type("idempotency-key-required"),
                title: "Idempotency-Key missing or malformed", detail: error.message)
        case .badQuery:
            return Problem.badRequest(error.message, errors: fields)
        case .forbidden:
            return PortalProblem.forbidden(error.message)
        case .notFound:
            return Problem(
                status: .notFound, type: PortalProblem.type("not-found"), title: "Not found",
                detail: error.message)
        default:
            return PortalProblem.unavailable
        }
    }
}
