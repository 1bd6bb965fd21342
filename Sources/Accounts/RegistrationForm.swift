import Foundation

/// The public registration form ("How do I apply for a user name and password?"), as sent.
/// Every member is optional here so that all missing and wrong fields are named together.
public struct RegistrationForm: Sendable, Codable {
    public struct Organisation: Sendable, Codable {
        /// The NHS ODS code of the applicant's organisation (`RJ1`, `A81001`).
        public var odsCode: String?
        /// Its name; needed when the provider does not know the organisation yet.
        public var name: String?

        public init(odsCode: String? = nil, name: String? = nil) {
            self.odsCode = odsCode
            self.name = name
        }
    }

    public var fullName: String?
    public var jobTitle: String?
    public var workAddress: String?
    public var workEmail: String?
    public var workPhones: [String]?
    public var organisation: Organisation?
    /// `referrer`, `delegate` or `viewer`.
    public var role: String?
    /// For a delegate: `mdt_coordinator` or `clinical_nurse_specialist`.
    public var delegateKind: String?

    public init(
        fullName: String? = nil, jobTitle: String? = nil, workAddress: String? = nil,
        workEmail: String? = nil, workPhones: [String]? = nil, organisation: Organisation? = nil,
        role: String? = nil, delegateKind: String? = nil
    ) {
        self.fullName = fullName
        self.jobTitle = jobTitle
        self.workAddress = workAddress
        self.workEmail = workEmail
        self.workPhones = workPhones
        self.organisation = organisation
        self.role = role
        self.delegateKind = delegateKind
    }
}

/// A registration form whose every field passed its checks.
struct ValidRegistration: Sendable {
    let fullName: String
    let jobTitle: String
    let workAddress: String
    let workEmail: String
    let workPhones: [String]
    let odsCode: String
    let organisationName: String?
    let role: Role
    let delegateKind: DelegateKind?
}
