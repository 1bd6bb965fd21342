import Foundation
import Testing

@testable import Topology

@Suite("The private certificate authority")
struct CertificateAuthorityTests {
    @Test("a leaf it issues verifies against it for both TLS roles")
    func leafVerifies() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let authority = try CertificateAuthority(folder: folder)
        let leaf = try authority.issue("site-b")

        for purpose in ["sslserver", "sslclient"] {
            let verify = try Self.openssl(
                "verify", "-purpose", purpose, "-CAfile", authority.certificate, leaf.certificate)
            #expect(verify.status == 0, "\(purpose): \(verify.output)")
        }
        let text = try Self.openssl("x509", "-in", leaf.certificate, "-noout", "-text")
        #expect(text.output.contains("DNS:site-b"))
        #expect(text.output.contains("IP Address:127.0.0.1"))
    }

    @Test("private keys are readable by their owner only")
    func keysAreRestricted() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let authority = try CertificateAuthority(folder: folder)
        let leaf = try authority.issue("site-a")

        for key in [authority.privateKey, leaf.privateKey] {
            let attributes = try FileManager.default.attributesOfItem(atPath: key)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test("an existing authority is reused, so earlier certificates stay valid")
    func authorityIsReused() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let first = try CertificateAuthority(folder: folder)
        let leaf = try first.issue("site-a")
        let before = try String(contentsOfFile: first.certificate, encoding: .utf8)

        let second = try CertificateAuthority(folder: folder)
        #expect(try String(contentsOfFile: second.certificate, encoding: .utf8) == before)
        let verify = try Self.openssl(
            "verify", "-CAfile", second.certificate, leaf.certificate)
        #expect(verify.status == 0)
    }

    @Test(
        "a name that could escape the folder or confuse openssl is refused",
        arguments: ["", "../ca", "site/b", "-CA", ".hidden", "site b", "sïte"])
    func badNamesAreRefused(name: String) throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let authority = try CertificateAuthority(folder: folder)
        #expect(throws: TopologyError.self) { try authority.issue(name) }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(Set(files).isSubset(of: ["ca.pem", "ca.key", "ca.srl"]))
    }

    @Test("a validity of no days is refused")
    func zeroDaysRefused() {
        #expect(throws: TopologyError.self) {
            try CertificateAuthority(folder: Self.scratchFolder(), validDays: 0)
        }
    }

    private static func scratchFolder() -> String {
        NSTemporaryDirectory() + "ca-" + UUID().uuidString
    }

    private static func openssl(_ arguments: String...) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
