import Foundation
import PortalTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A real SMTP server (aiosmtpd) on a loopback port, started by a test and stopped by the
/// pid it was started with.
final class SMTPSink: @unchecked Sendable {
    struct Options {
        var certificate: TestCertificate?
        var requireStartTLS = false
        var credentials: (user: String, password: String)?
    }

    /// One message the server accepted.
    struct Received: Decodable {
        let mail_from: String
        let rcpt_tos: [String]
        let tls: Bool
        let authenticated: Bool
        let headers: [String: String]
        let body: String
        let raw: String
    }

    let port: Int
    let folder: String
    private let process: Process

    var outbox: String { self.folder + "/messages" }

    /// Starts the server on `port` (a free one when nil) and waits until it accepts.
    init(port: Int? = nil, _ options: Options = Options()) throws {
        self.port = try port ?? Self.freePort()
        self.folder = NSTemporaryDirectory() + "smtp-sink-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: self.folder + "/messages", withIntermediateDirectories: true)
        let script = self.folder + "/sink.py"
        try Data(SMTPSinkScript.source.utf8).write(to: URL(fileURLWithPath: script))

        var arguments = [
            script, "--port", "\(self.port)", "--out", self.folder + "/messages", "--ready",
            self.folder + "/ready",
        ]
        if let certificate = options.certificate {
            arguments += ["--cert", certificate.certificate, "--key", certificate.key]
        }
        if options.requireStartTLS {
            arguments.append("--require-starttls")
        }
        if let credentials = options.credentials {
            arguments += ["--user", credentials.user, "--password", credentials.password]
        }

        self.process = Process()
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        self.process.arguments = arguments
        self.process.standardOutput = FileHandle.nullDevice
        self.process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try self.process.run()

        let started = Date()
        while !FileManager.default.fileExists(atPath: self.folder + "/ready") {
            guard self.process.isRunning, Date().timeIntervalSince(started) < 20 else {
                self.stop()
                throw POSIXError(.ETIMEDOUT)
            }
            usleep(50_000)
        }
    }

    /// Stops the server (SIGTERM to its pid, then SIGKILL if needed) and removes its folder.
    func stop() {
        let pid = self.process.processIdentifier
        if self.process.isRunning {
            kill(pid, SIGTERM)
            for _ in 0..<100 where self.process.isRunning {
                usleep(20_000)
            }
            if self.process.isRunning {
                kill(pid, SIGKILL)
            }
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// The messages received so far, oldest first.
    func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: self.outbox)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        return try names.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: self.outbox + "/" + name))
            return try JSONDecoder().decode(Received.self, from: data)
        }
    }

    /// A loopback TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { _ = Glibc.close(socket) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
