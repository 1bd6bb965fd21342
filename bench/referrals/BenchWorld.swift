import Accounts
import Foundation
import Referrals
import Security
import Tenancy

/// The benchmark's tenant: a referrer signed in (a session row and its cookie and CSRF
/// token), a procedure, a scanning site that offers it, a postcode, and patients known
/// already, so that every referral takes the same path: a known patient whose details
/// agree, linked without a change to the record.
struct BenchWorld {
    let tenant = UUID()
    let organisation = UUID()
    let site = UUID()
    let user = UUID()
    let procedure = UUID()
    let cookieToken: String
    let csrfToken: String
    /// Valid NHS numbers of the patients the API side refers.
    let nhsNumbers: [String]

    init(patients: Int) throws {
        self.cookieToken = try SessionToken.generate()
        guard let csrf = Accounts.csrfToken(forSession: self.cookieToken) else {
            throw BenchFailure("no CSRF token")
        }
        self.csrfToken = csrf
        var numbers: [String] = []
        var base = 800_000_000
        while numbers.count < patients {
            base += 1
            if let number = (0...9).lazy.compactMap({ NHSNumber("\(base)\($0)") }).first {
                numbers.append(number.digits)
            }
        }
        self.nhsNumbers = numbers
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Patients for both sides: the API side's valid numbers, and 9000000001... for
    /// pgbench (the database checks the digits' shape, not the check digit).
    func sql() throws -> String {
        let t = "'\(self.tenant)'"
        let session = Self.hex(try SessionToken.storageDigest(of: self.cookieToken))
        let csrf = Self.hex(try SessionToken.storageDigest(of: self.csrfToken))
        let numbers = self.nhsNumbers.map { "('\($0)')" }.joined(separator: ", ")
        return """
            INSERT INTO portal.tenants (id, name, slug) VALUES (\(t), 'Alliance', 'alliance');
            INSERT INTO portal.organisations (id, tenant_id, kind, ods_code, name, address_lines,
                town, postcode)
            VALUES ('\(self.organisation)', \(t), 'referring_organisation', 'RR8', 'Leeds',
                    '{"Great George Street"}', 'Leeds', 'LS1 3EX'),
                   ('\(self.site)', \(t), 'scanning_site', 'NT401', 'York Imaging Centre',
                    '{"2 Low St"}', 'York', 'YO1 7HH');
            INSERT INTO portal.users (id, tenant_id, organisation_id, full_name, job_title, email,
                state)
            VALUES ('\(self.user)', \(t), '\(self.organisation)', 'Dr Ada Smith', 'Consultant',
                    'ada.smith@nhs.test', 'active');
            INSERT INTO portal.user_roles (tenant_id, user_id, role)
            VALUES (\(t), '\(self.user)', 'referrer');
            INSERT INTO portal.sessions (tenant_id, user_id, token_hash, csrf_token_hash,
                absolute_expires_at)
            VALUES (\(t), '\(self.user)', decode('\(session)', 'hex'), decode('\(csrf)', 'hex'),
                    now() + interval '12 hours');
            INSERT INTO reference.postcode_sources (source, title, licence, licence_url,
                attribution, postcodes)
            VALUES ('codepoint', 'Code-Point Open', 'Open Government Licence v3.0',
                    'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
                    ARRAY['Contains OS data (c) Crown copyright and database right 2025'], 1);
            INSERT INTO reference.postcodes (postcode, positional_quality, latitude, longitude,
                source)
            VALUES ('LS1 4AP', 10, 53.7960, -1.5470, 'codepoint');
            INSERT INTO portal.scanning_sites (tenant_id, organisation_id, postcode, latitude,
                longitude, modalities, unit_kind, unit_manager_name, unit_manager_phone,
                unit_manager_email)
            VALUES (\(t), '\(self.site)', 'YO1 7HH', 53.9623, -1.0819, '{MRI}', 'static',
                    'Sam Carter', '01904 000000', 'sam.carter@nhs.test');
            INSERT INTO portal.procedures (tenant_id, id, snomed_ct_id, name, modality,
                modality_label, body_site, contrast, safety_questions)
            VALUES (\(t), '\(self.procedure)', '241641004', 'MRI of knee', 'MRI', 'MRI', 'knee',
                    'none', '{mri}');
            INSERT INTO portal.site_procedures (tenant_id, site_id, procedure_id)
            VALUES (\(t), '\(self.site)', '\(self.procedure)');
            INSERT INTO portal.patients (tenant_id, nhs_number, given_name, family_name,
                date_of_birth, stated_gender, address_lines, town, postcode, mobile, gp_practice)
            SELECT \(t), n, 'Ann', 'Example', '1960-01-31', '2', '{"1 High Street"}', 'Leeds',
                   'LS1 4AP', '+447700900123', 'B86001'
            FROM (VALUES \(numbers)) AS api (n);
            INSERT INTO portal.patients (tenant_id, nhs_number, given_name, family_name,
                date_of_birth, stated_gender, address_lines, town, postcode, mobile, gp_practice)
            SELECT \(t), (9000000000 + i)::text, 'Ann', 'Example', '1960-01-31', '2',
                   '{"1 High Street"}', 'Leeds', 'LS1 4AP', '+447700900123', 'B86001'
            FROM generate_series(1, \(self.nhsNumbers.count)) AS i;
            ANALYZE;
            """
    }

    /// The body of a referral for the patient with `nhsNumber`: exactly the record's details.
    func body(nhsNumber: String) throws -> [UInt8] {
        let form = ReferralForm(
            patient: PatientForm(
                nhsNumber: nhsNumber, givenName: "Ann", familyName: "Example",
                dateOfBirth: "1960-01-31", statedGender: "2",
                address: AddressForm(lines: ["1 High Street"], town: "Leeds", postcode: "LS1 4AP"),
                mobile: "07700 900123", gpPractice: "B86001"),
            clinicalHistory: "Locking of the right knee after a twisting injury.",
            clinicalQuestion: "Meniscal tear?", modality: "MRI",
            procedureID: self.procedure.uuidString.lowercased(), urgency: "routine",
            preferredSiteID: self.site.uuidString.lowercased(),
            safety: SafetyForm(
                mri: MRIAnswers(
                    pacemakerOrICD: false, cochlearImplant: false, aneurysmClips: false,
                    metalInEyes: false, otherImplants: false, claustrophobia: false)))
        return Array(try JSONEncoder().encode(form))
    }
}
