import Foundation
import Tenancy

/// The e-mails of the account journeys, queued in the caller's transaction. Bodies carry
/// what the person needs and nothing more (a code is never written to any log).
extension Accounts {
    func mailSignInCode(
        _ code: String, to address: String, minutes: Int, in transaction: TenantTransaction
    ) async throws {
        let body = """
            Your sign-in code is \(code)

            Type it on the sign-in page within \(minutes) minutes. It works once.
            If you did not try to sign in just now, someone may know your password:
            change it, and tell the portal team.
            """
        try await self.mail.enqueue(
            OutgoingMail(
                to: address, subject: "Your sign-in code", body: body),
            in: transaction)
    }

    func mailRegistrationReceived(
        _ request: RegistrationRequest, in transaction: TenantTransaction
    ) async throws {
        let body = """
            Dear \(request.fullName),

            We have received your request for access to the referral portal as a \
            \(request.role.rawValue) for \(request.organisationName) \
            (\(request.organisationOdsCode)). Our team will review it and write to you \
            at this address.

            Reference: \(request.id.lowercased)
            """
        try await self.mail.enqueue(
            OutgoingMail(
                to: request.workEmail, subject: "We have received your portal access request",
                body: body),
            in: transaction)
    }

    func mailInvitation(
        _ request: RegistrationRequest, link: String, expiresAt: Date,
        in transaction: TenantTransaction
    ) async throws {
        let body = """
            Dear \(request.fullName),

            Your request for access to the referral portal has been approved. Choose your \
            password here (the link works once, until \(Self.format(expiresAt))):

            \(link)

            Then sign in with your work e-mail address; each sign-in also sends a code to it.
            """
        try await self.mail.enqueue(
            OutgoingMail(
                to: request.workEmail, subject: "Your portal account: choose a password",
                body: body),
            in: transaction)
    }

    func mailDeclined(
        _ request: RegistrationRequest, reason: String, in transaction: TenantTransaction
    ) async throws {
        let body = """
            Dear \(request.fullName),

            We are sorry: your request for access to the referral portal was declined, \
            for this reason:

            \(reason)

            Reference: \(request.id.lowercased)
            """
        try await self.mail.enqueue(
            OutgoingMail(
                to: request.workEmail, subject: "Your portal access request", body: body),
            in: transaction)
    }

    private static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date).replacingOccurrences(of: "T", with: " ")
    }
}
