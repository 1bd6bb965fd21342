import Audit
import Foundation
import Postgres
import Telemetry
import Tenancy

/// The accounts of a tenant's portals: registration requests and their decisions, setting
/// a password, signing in with a password and an e-mailed code, sessions, API tokens for
/// system clients, and the throttling that guards them. Every change is written to the
/// audit trail in the transaction that makes it, and every e-mail is queued in the outbox
/// in that same transaction, so that nothing is sent for a change that rolled back.
public struct Accounts: Sendable {
    public let policy: AccountsPolicy
    let logger: Logger
    let throttle: SignInThrottle
    let passwords: PasswordWork
    let mail: any MailQueue
    /// The database pool to use from the calling task (one per event loop on an API node).
    let pool: @Sendable () -> PostgresPool

    public init(
        policy: AccountsPolicy = AccountsPolicy(), mail: any MailQueue, logger: Logger,
        pool: @escaping @Sendable () -> PostgresPool
    ) {
        self.policy = policy
        self.mail = mail
        self.passwords = PasswordWork(hasher: policy.passwordHasher)
        self.logger = logger
        self.throttle = SignInThrottle(policy: policy.throttle)
        self.pool = pool
    }

    /// Runs `body` in a transaction confined to `tenant`. An `AccountsError` thrown by `body`
    /// rolls back and reaches the caller; anything else becomes `unavailable`.
    func inTenant<Value: Sendable>(
        _ tenant: TenantID, _ body: (TenantTransaction) async throws -> Value
    ) async throws(AccountsError) -> Value {
        do {
            return try await self.pool().withTenant(tenant) { try await body($0) }
        } catch let error as AccountsError {
            throw error
        } catch {
            self.logger.debug(
                "accounts transaction failed",
                [("tenant.id", .string(tenant.description)), ("error", .string("\(error)"))])
            throw AccountsError.unavailable(error)
        }
    }

    /// Appends an event to the audit trail of the transaction's tenant.
    func audit(
        _ action: String, actor: UUID?, record: (type: String, id: UUID)?, origin: RequestOrigin,
        details: [String: AuditDetail] = [:], in transaction: TenantTransaction
    ) async throws(AuditError) {
        let entry = AuditEntry(
            action: action, actor: actor,
            record: record.map { AuditRecordReference(type: $0.type, id: $0.id.lowercased) },
            requestID: origin.auditRequestID,
            remoteAddress: origin.address.isEmpty ? nil : origin.address,
            details: details)
        try await AuditTrail.record(entry, in: transaction)
    }
}

extension UUID {
    /// The lower-case text form PostgreSQL prints.
    var lowercased: String { self.uuidString.lowercased() }
}
