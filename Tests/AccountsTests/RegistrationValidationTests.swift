import Testing

@testable import Accounts

/// The registration form's checks, without a database: each bad field is named by its
/// JSON pointer, all of them at once.
@Suite("Registration form validation")
struct RegistrationValidationTests {
    static let valid = RegistrationForm(
        fullName: "Dr Rhys Jones", jobTitle: "Consultant oncologist",
        workAddress: "Westminster Bridge Road, London SE1 7EH", workEmail: "rhys.jones@nhs.test",
        workPhones: ["+44 20 7188 7188"], organisation: .init(odsCode: "rj1"), role: "referrer")

    @Test("a complete form passes, with the ODS code upper-cased")
    func validForm() throws {
        let valid = try Self.valid.validated()
        #expect(valid.odsCode == "RJ1")
        #expect(valid.role == .referrer)
        #expect(valid.delegateKind == nil)
    }

    @Test("an empty form names every required field")
    func emptyForm() {
        let error = #expect(throws: AccountsError.self) { try RegistrationForm().validated() }
        #expect(error?.code == .invalidFields)
        #expect(
            error?.fields.map(\.pointer) == [
                "/fullName", "/jobTitle", "/workAddress", "/workEmail", "/workPhones",
                "/organisation/odsCode", "/role",
            ])
    }

    @Test("wrong values are named one by one, array members by index")
    func wrongValues() {
        var form = Self.valid
        form.workEmail = "not an address"
        form.workPhones = ["+44 20 7188 7188", "call me"]
        form.organisation = .init(odsCode: "12", name: "")
        form.role = "tenant_administrator"
        form.fullName = String(repeating: "x", count: 201)
        let error = #expect(throws: AccountsError.self) { try form.validated() }
        #expect(
            error?.fields.map(\.pointer) == [
                "/fullName", "/workEmail", "/workPhones/1", "/organisation/odsCode",
                "/organisation/name", "/role",
            ])
    }

    @Test("a delegate must say which kind, and only a delegate may")
    func delegateKind() throws {
        var form = Self.valid
        form.role = "delegate"
        let missing = #expect(throws: AccountsError.self) { try form.validated() }
        #expect(missing?.fields.map(\.pointer) == ["/delegateKind"])

        form.delegateKind = "mdt_coordinator"
        #expect(try form.validated().delegateKind == .mdtCoordinator)

        form.role = "viewer"
        let extra = #expect(throws: AccountsError.self) { try form.validated() }
        #expect(extra?.fields.map(\.pointer) == ["/delegateKind"])
    }

    @Test("ODS codes: three or five characters with a letter, or a GP practice's six")
    func odsCodes() {
        for code in ["RJ1", "15N", "RJ121", "A81001", "NT401"] {
            #expect(RegistrationForm.isODSCode(code), "\(code)")
        }
        for code in ["123", "R1", "RJ12", "AB1234", "rj1", "RJ1!"] {
            #expect(!RegistrationForm.isODSCode(code), "\(code)")
        }
    }

    @Test("telephone numbers and e-mail addresses follow the columns' rules")
    func phonesAndEmails() {
        #expect(RegistrationForm.isPhoneNumber("+44 20 7188 7188"))
        #expect(RegistrationForm.isPhoneNumber("02071887188"))
        #expect(!RegistrationForm.isPhoneNumber("12345"))
        #expect(!RegistrationForm.isPhoneNumber("+44-20-7188"))
        #expect(RegistrationForm.isEmailAddress("a.b@nhs.net"))
        #expect(!RegistrationForm.isEmailAddress("a@b"))
        #expect(!RegistrationForm.isEmailAddress("a b@nhs.net"))
        #expect(!RegistrationForm.isEmailAddress("@nhs.net"))
    }
}
