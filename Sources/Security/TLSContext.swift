import COpenSSL

/// A configured OpenSSL context (`SSL_CTX`), built once and shared by every session it
/// starts. Immutable after construction, and OpenSSL allows concurrent use of a context by
/// sessions on different threads, hence `Sendable`.
public final class TLSContext: @unchecked Sendable {
    public let configuration: TLSConfiguration
    let pointer: OpaquePointer

    /// Builds the context; a missing or unreadable file, a key that does not match its
    /// certificate, or an empty trust store throws `tlsConfiguration`.
    public init(_ configuration: TLSConfiguration) throws(SecurityError) {
        OpenSSLErrors.clear()
        let method = configuration.role == .client ? TLS_client_method() : TLS_server_method()
        guard let pointer = SSL_CTX_new(method) else {
            throw Self.failure("cannot create a TLS context", context: OpenSSLErrors.drain())
        }
        self.pointer = pointer
        self.configuration = configuration

        guard
            copenssl_ctx_set_min_proto_version(pointer, configuration.minimumVersion.openSSLValue)
                == 1
        else {
            throw Self.failure("cannot set the minimum TLS version", context: OpenSSLErrors.drain())
        }
        // Writes may be retried from a moved buffer, and may complete in parts.
        _ = copenssl_ctx_set_mode(
            pointer, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        try self.loadTrust()
        try self.loadCertificate()
    }

    deinit {
        SSL_CTX_free(self.pointer)
    }

    private func loadTrust() throws(SecurityError) {
        let configuration = self.configuration
        switch configuration.trust {
        case .none:
            break
        case .system:
            guard SSL_CTX_set_default_verify_paths(self.pointer) == 1 else {
                throw Self.failure(
                    "cannot load the system trust store", context: OpenSSLErrors.drain())
            }
        case .caFile(let path):
            guard SSL_CTX_load_verify_locations(self.pointer, path, nil) == 1 else {
                throw Self.failure(
                    "cannot load CA certificates", context: "\(path): \(OpenSSLErrors.drain())")
            }
        }

        guard configuration.verifiesPeer else {
            SSL_CTX_set_verify(self.pointer, SSL_VERIFY_NONE, nil)
            return
        }
        guard configuration.trust != nil else {
            throw Self.failure("verifying the peer needs a trust setting", context: "trust")
        }
        let mode =
            configuration.role == .server
            ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
        SSL_CTX_set_verify(self.pointer, mode, nil)
    }

    private func loadCertificate() throws(SecurityError) {
        let configuration = self.configuration
        guard let chain = configuration.certificateChainFile else {
            guard configuration.role == .client else {
                throw Self.failure(
                    "a TLS server needs a certificate chain", context: "certificateChainFile")
            }
            return
        }
        guard let key = configuration.privateKeyFile else {
            throw Self.failure(
                "a certificate chain needs its private key", context: "privateKeyFile")
        }

        guard SSL_CTX_use_certificate_chain_file(self.pointer, chain) == 1 else {
            throw Self.failure(
                "cannot load the certificate chain", context: "\(chain): \(OpenSSLErrors.drain())")
        }
        guard SSL_CTX_use_PrivateKey_file(self.pointer, key, SSL_FILETYPE_PEM) == 1 else {
            throw Self.failure(
                "cannot load the private key", context: "\(key): \(OpenSSLErrors.drain())")
        }
        guard SSL_CTX_check_private_key(self.pointer) == 1 else {
            throw Self.failure("the private key does not match the certificate", context: key)
        }
    }

    private static func failure(_ message: String, context: String) -> SecurityError {
        SecurityError(.tlsConfiguration, message, context: context)
    }
}
