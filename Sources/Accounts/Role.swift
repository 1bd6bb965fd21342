/// What a user may do inside a tenant (`portal.user_roles.role`).
public enum Role: String, Sendable, Codable, CaseIterable {
    case referrer
    case delegate
    case viewer
    case radiologist
    case bookingClerk = "booking_clerk"
    case siteStaff = "site_staff"
    case commissionerAnalyst = "commissioner_analyst"
    case tenantAdministrator = "tenant_administrator"

    /// The roles a member of the public may ask for on the registration form.
    public static let requestable: [Role] = [.referrer, .delegate, .viewer]
}

/// Who a delegate is, for the `delegate` role.
public enum DelegateKind: String, Sendable, Codable, CaseIterable {
    case mdtCoordinator = "mdt_coordinator"
    case clinicalNurseSpecialist = "clinical_nurse_specialist"
}

/// What a system client's API token may do (`portal.api_tokens.scopes`).
public enum APIScope: String, Sendable, Codable, CaseIterable {
    case referralsRead = "referrals:read"
    case referralsWrite = "referrals:write"
    case reportsWrite = "reports:write"
    case bookingsWrite = "bookings:write"
    case activityRead = "activity:read"
}
