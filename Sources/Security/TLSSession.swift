import COpenSSL

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One TLS connection over a socket the caller owns and has already connected.
///
/// Every call returns at once: on a nonblocking socket a call may answer `.wantRead` or
/// `.wantWrite`, and the caller waits for that readiness (epoll, poll) and repeats the
/// same call. The session never closes the socket. Used from one thread at a time.
public final class TLSSession {
    /// The outcome of one step.
    public enum Progress<Value> {
        case done(Value)
        /// Wait until the socket is readable, then call again.
        case wantRead
        /// Wait until the socket is writable, then call again.
        case wantWrite
        /// The peer closed the TLS session (close_notify) or the connection.
        case closed
    }

    private let pointer: OpaquePointer
    private let peerName: String

    /// Starts a session on `socket`. A client passes the `serverName` it connected to: it
    /// is sent as SNI and the certificate must be issued for it (a DNS name or an IP
    /// address).
    public init(context: TLSContext, socket: Int32, serverName: String?) throws(SecurityError) {
        OpenSSLErrors.clear()
        guard let pointer = SSL_new(context.pointer) else {
            throw SecurityError(
                .tlsConfiguration, "cannot create a TLS session", context: OpenSSLErrors.drain())
        }
        self.pointer = pointer
        self.peerName = serverName ?? "peer"

        guard SSL_set_fd(pointer, socket) == 1 else {
            throw SecurityError(
                .tlsConfiguration, "cannot attach the socket", context: OpenSSLErrors.drain())
        }

        guard context.configuration.role == .client else {
            SSL_set_accept_state(pointer)
            return
        }
        SSL_set_connect_state(pointer)
        try self.expectServer(serverName, verifying: context.configuration.verifiesPeer)
    }

    deinit {
        SSL_free(self.pointer)
    }

    /// Runs the handshake as far as the socket allows; `.done` once it has completed and
    /// the peer is verified. A failed verification throws `tlsHandshake` naming the reason.
    public func handshake() throws(SecurityError) -> Progress<Void> {
        OpenSSLErrors.clear()
        let result = SSL_do_handshake(self.pointer)
        if result == 1 {
            return .done(())
        }
        return try self.progress(result, failure: .tlsHandshake).map { _ in () }
    }

    /// Reads decrypted bytes into `buffer`; `.done(n)` with n > 0.
    public func read(
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(SecurityError) -> Progress<Int> {
        OpenSSLErrors.clear()
        var count = 0
        let result = SSL_read_ex(self.pointer, buffer.baseAddress, buffer.count, &count)
        if result == 1 {
            return .done(count)
        }
        return try self.progress(result, failure: .tlsIO)
    }

    /// Encrypts and sends some of `bytes`; `.done(n)` with the number taken, possibly fewer
    /// than offered.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SecurityError) -> Progress<Int> {
        OpenSSLErrors.clear()
        var count = 0
        let result = SSL_write_ex(self.pointer, bytes.baseAddress, bytes.count, &count)
        if result == 1 {
            return .done(count)
        }
        return try self.progress(result, failure: .tlsIO)
    }

    /// Sends close_notify once, without waiting for the peer's; the socket stays open.
    public func shutdown() {
        OpenSSLErrors.clear()
        _ = SSL_shutdown(self.pointer)
        OpenSSLErrors.clear()
    }

    /// The negotiated protocol ("TLSv1.3"), for logs.
    public var protocolVersion: String {
        String(cString: SSL_get_version(self.pointer))
    }

    private func expectServer(_ serverName: String?, verifying: Bool) throws(SecurityError) {
        guard let serverName, !serverName.isEmpty else {
            guard !verifying else {
                throw SecurityError(
                    .tlsConfiguration, "a verifying client needs the server's name",
                    context: "serverName")
            }
            return
        }

        let isAddress = Self.isIPAddress(serverName)
        if !isAddress {
            _ = copenssl_set_tlsext_host_name(self.pointer, serverName)
        }
        guard verifying else { return }

        let parameters = SSL_get0_param(self.pointer)
        let ok =
            isAddress
            ? X509_VERIFY_PARAM_set1_ip_asc(parameters, serverName)
            : X509_VERIFY_PARAM_set1_host(parameters, serverName, 0)
        guard ok == 1 else {
            throw SecurityError(
                .tlsConfiguration, "cannot set the expected server name", context: serverName)
        }
    }

    private func progress(
        _ result: Int32, failure: SecurityError.Code
    ) throws(SecurityError) -> Progress<Int> {
        let error = SSL_get_error(self.pointer, result)
        switch error {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            let code = errno
            guard code != 0 else { return .closed }
            throw SecurityError(
                failure, "socket error during TLS: \(String(cString: strerror(code)))",
                context: self.peerName)
        default:
            let verification = SSL_get_verify_result(self.pointer)
            if verification != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(verification))
                throw SecurityError(
                    .tlsHandshake, "certificate verification failed: \(reason)",
                    context: self.peerName)
            }
            throw SecurityError(
                failure, "TLS failed", context: "\(self.peerName): \(OpenSSLErrors.drain())")
        }
    }

    private static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }
}

extension TLSSession.Progress {
    func map<Other>(_ transform: (Value) -> Other) -> TLSSession.Progress<Other> {
        switch self {
        case .done(let value): .done(transform(value))
        case .wantRead: .wantRead
        case .wantWrite: .wantWrite
        case .closed: .closed
        }
    }
}
