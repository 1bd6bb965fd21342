import Foundation

/// A private certificate authority for the links between sites: the replicator's shipper
/// and receiver prove who they are to each other with certificates it signed (mutual TLS).
///
/// Keys and certificates are made by the `openssl` command in one folder: `ca.pem` and
/// `ca.key` for the authority, `NAME.pem` and `NAME.key` for each leaf. Keys are readable
/// by their owner only. An existing authority is reused, so certificates issued earlier
/// stay valid.
public struct CertificateAuthority: Sendable {
    /// A leaf certificate and its key.
    public struct Leaf: Sendable {
        public let certificate: String
        public let privateKey: String
    }

    public let folder: String
    public var certificate: String { self.folder + "/ca.pem" }
    var privateKey: String { self.folder + "/ca.key" }

    /// How long issued certificates are valid for.
    public let validDays: Int

    /// The authority in `folder`, created (a P-256 key and a self-signed certificate) when
    /// the folder holds none.
    public init(folder: String, validDays: Int = 825) throws(TopologyError) {
        guard validDays > 0 else {
            throw TopologyError(.invalidArgument, "a certificate must be valid for some days")
        }
        self.folder = folder
        self.validDays = validDays
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw TopologyError(.storage, "cannot create \(folder): \(error)")
        }
        guard !FileManager.default.fileExists(atPath: self.certificate) else { return }

        try Self.openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", self.privateKey, "-out", self.certificate,
            "-days", String(validDays), "-subj", "/CN=imaging referrals private CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        try Self.restrict(self.privateKey)
    }

    /// Issues (or reissues) `name`'s certificate, valid as both a TLS server and a TLS
    /// client, for the DNS name `name` and the addresses in `addresses`.
    public func issue(
        _ name: String, addresses: [String] = ["127.0.0.1"]
    ) throws(TopologyError) -> Leaf {
        guard Self.isPlainName(name) else {
            throw TopologyError(
                .invalidArgument, "'\(name)' is not a certificate name (letters, digits, - and .)")
        }
        let leaf = Leaf(
            certificate: self.folder + "/\(name).pem", privateKey: self.folder + "/\(name).key")
        let request = self.folder + "/\(name).csr"
        let extensions = self.folder + "/\(name).ext"
        defer {
            try? FileManager.default.removeItem(atPath: request)
            try? FileManager.default.removeItem(atPath: extensions)
        }

        let alternativeNames = (["DNS:\(name)"] + addresses.map { "IP:\($0)" })
            .joined(separator: ",")
        let text = """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth,clientAuth
            subjectAltName=\(alternativeNames)

            """
        do {
            try text.write(toFile: extensions, atomically: true, encoding: .utf8)
        } catch {
            throw TopologyError(.storage, "cannot write \(extensions): \(error)")
        }

        try Self.openssl(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", leaf.privateKey, "-out", request, "-subj", "/CN=\(name)")
        try Self.restrict(leaf.privateKey)
        try Self.openssl(
            "x509", "-req", "-in", request, "-CA", self.certificate, "-CAkey", self.privateKey,
            "-CAcreateserial", "-out", leaf.certificate, "-days", String(self.validDays),
            "-extfile", extensions)
        return leaf
    }

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".") && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "."
            }
    }

    private static func restrict(_ path: String) throws(TopologyError) {
        do {
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw TopologyError(.storage, "cannot restrict \(path) to its owner: \(error)")
        }
    }

    private static func openssl(_ arguments: String...) throws(TopologyError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw TopologyError(.commandFailed, "cannot run openssl: \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TopologyError(
                .commandFailed,
                "openssl \(arguments.first ?? "") failed: "
                    + String(decoding: message, as: UTF8.self))
        }
    }
}
