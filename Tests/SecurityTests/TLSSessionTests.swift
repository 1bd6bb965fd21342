import Foundation
import PortalTesting
import Security
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Handshakes between a client and a server session over a nonblocking socket pair, driven
/// in one thread: each side is stepped until both are done.
@Suite("TLS sessions")
struct TLSSessionTests {
    struct Pair {
        let client: TLSSession
        let server: TLSSession
        let sockets: [Int32]

        init(client: TLSContext, server: TLSContext, serverName: String) throws {
            var sockets: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0 else {
                throw POSIXError(.EIO)
            }
            for socket in sockets {
                _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            }
            self.sockets = sockets
            self.client = try TLSSession(
                context: client, socket: sockets[0], serverName: serverName)
            self.server = try TLSSession(context: server, socket: sockets[1], serverName: nil)
        }

        /// Steps both handshakes until both finish; throws the first failure.
        func handshake() throws {
            var clientDone = false
            var serverDone = false
            for _ in 0..<1_000 where !(clientDone && serverDone) {
                if !clientDone, case .done = try self.client.handshake() {
                    clientDone = true
                }
                if !serverDone, case .done = try self.server.handshake() {
                    serverDone = true
                }
            }
            guard clientDone, serverDone else { throw POSIXError(.ETIMEDOUT) }
        }

        func close() {
            for socket in self.sockets {
                _ = Glibc.close(socket)
            }
        }
    }

    @Test("a verified handshake by name and by address, then bytes both ways")
    func verifiedHandshake() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try TLSContext(
            .server(certificateChainFile: certificate.certificate, privateKeyFile: certificate.key))
        let client = try TLSContext(.client(trust: .caFile(certificate.certificate)))

        for name in ["localhost", "127.0.0.1"] {
            let pair = try Pair(client: client, server: server, serverName: name)
            defer { pair.close() }
            try pair.handshake()
            #expect(pair.client.protocolVersion == "TLSv1.3")

            let message = Array("EHLO portal\r\n".utf8)
            let written = try message.withUnsafeBytes { try pair.client.write($0) }
            guard case .done(let count) = written else {
                Issue.record("write did not complete")
                return
            }
            #expect(count == message.count)

            var buffer = [UInt8](repeating: 0, count: 64)
            let read = try buffer.withUnsafeMutableBytes { try pair.server.read(into: $0) }
            guard case .done(let received) = read else {
                Issue.record("read did not complete")
                return
            }
            #expect(Array(buffer.prefix(received)) == message)
        }
    }

    @Test("a certificate for another name, or from an untrusted issuer, is refused")
    func refusals() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try TLSContext(
            .server(certificateChainFile: certificate.certificate, privateKeyFile: certificate.key))

        let trusting = try TLSContext(.client(trust: .caFile(certificate.certificate)))
        let wrongName = try Pair(client: trusting, server: server, serverName: "mail.example.org")
        defer { wrongName.close() }
        #expect {
            try wrongName.handshake()
        } throws: { error in
            let error = error as? SecurityError
            return error?.code == .tlsHandshake && error?.message.contains("mismatch") == true
        }

        let system = try TLSContext(.client(trust: .system))
        let untrusted = try Pair(client: system, server: server, serverName: "localhost")
        defer { untrusted.close() }
        #expect {
            try untrusted.handshake()
        } throws: { error in
            (error as? SecurityError)?.code == .tlsHandshake
        }
    }

    @Test(
        "mutual TLS: a server that trusts a CA for clients refuses a client without a certificate")
    func mutual() throws {
        let serverCertificate = try TestCertificate()
        let clientCertificate = try TestCertificate(commonName: "replicator-b")
        defer {
            serverCertificate.remove()
            clientCertificate.remove()
        }
        let server = try TLSContext(
            .server(
                certificateChainFile: serverCertificate.certificate,
                privateKeyFile: serverCertificate.key,
                clientTrust: .caFile(clientCertificate.certificate)))

        let anonymous = try TLSContext(.client(trust: .caFile(serverCertificate.certificate)))
        let refused = try Pair(client: anonymous, server: server, serverName: "localhost")
        defer { refused.close() }
        #expect(throws: SecurityError.self) { try refused.handshake() }

        var configuration = TLSConfiguration.client(trust: .caFile(serverCertificate.certificate))
        configuration.certificateChainFile = clientCertificate.certificate
        configuration.privateKeyFile = clientCertificate.key
        let identified = try Pair(
            client: try TLSContext(configuration), server: server, serverName: "localhost")
        defer { identified.close() }
        try identified.handshake()
    }

    @Test("missing files and a server without a certificate are configuration errors")
    func configurationErrors() {
        #expect {
            _ = try TLSContext(.client(trust: .caFile("/nonexistent/ca.pem")))
        } throws: { error in
            (error as? SecurityError)?.code == .tlsConfiguration
        }
        #expect {
            _ = try TLSContext(
                .server(
                    certificateChainFile: "/nonexistent/c.pem", privateKeyFile: "/nonexistent/k.pem"
                ))
        } throws: { error in
            (error as? SecurityError)?.code == .tlsConfiguration
        }
        var serverWithout = TLSConfiguration.client()
        serverWithout.role = .server
        #expect(throws: SecurityError.self) { _ = try TLSContext(serverWithout) }
    }
}
