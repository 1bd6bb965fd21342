import Foundation
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The `portal-api` executable as an operator runs it: settings from the environment,
/// checked at start-up, and a graceful stop with exit status 0 on SIGTERM.
@Suite(.serialized) struct PortalAPIProcessTests {
    /// The executable built next to this test bundle (`swift build --build-tests` builds it).
    static func executable() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("portal-api")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw RawClient.Failure(description: "portal-api is not built next to \(bundle.path)")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw RawClient.Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func launch(_ environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try Self.executable()
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, errors)
    }

    @Test func servesUntilSIGTERMThenStopsWithStatusZero() async throws {
        let port = try Self.freePort()
        let (process, errors) = try Self.launch([
            "PORTAL_HTTP_HOST": "127.0.0.1", "PORTAL_HTTP_PORT": String(port),
            "PORTAL_HTTP_LOOPS": "2", "PORTAL_LOG_LEVEL": "info",
        ])

        var health: RawClient.Response?
        for _ in 0..<100 where health == nil {
            if let client = try? RawClient(port: port) {
                try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
                health = try client.readResponse()
                let readiness = try client.readResponse()
                #expect(readiness.statusCode == 503, "no database is configured")
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(health?.statusCode == 200)

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(log.contains("\"msg\":\"started\""))
        #expect(log.contains("\"msg\":\"stopping\""))
        #expect(log.contains("\"msg\":\"stopped\""))
    }

    @Test func aBadSettingStopsStartUpNamingTheVariable() throws {
        let (process, errors) = try Self.launch(["PORTAL_HTTP_IDLE_TIMEOUT_MS": "soon"])
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(process.terminationStatus == 2)
        #expect(message.contains("PORTAL_HTTP_IDLE_TIMEOUT_MS=\"soon\" is not valid"))
    }
}
