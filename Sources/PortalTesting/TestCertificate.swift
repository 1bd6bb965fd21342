import Foundation

/// A self-signed certificate for `localhost` and 127.0.0.1 made with the openssl command in
/// a temporary folder, removed by `remove()`.
public struct TestCertificate: Sendable {
    public let folder: String
    public var certificate: String { self.folder + "/cert.pem" }
    public var key: String { self.folder + "/key.pem" }

    public init(commonName: String = "localhost") throws {
        self.folder = NSTemporaryDirectory() + "tls-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: self.folder, withIntermediateDirectories: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", self.key, "-out", self.certificate, "-days", "1", "-subj",
            "/CN=\(commonName)",
            "-addext", "subjectAltName=DNS:\(commonName),IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestClusterError(
                .commandFailed, "openssl could not make a certificate for \(commonName)")
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: self.folder)
    }
}
