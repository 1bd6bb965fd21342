import Security

extension TLSFiles {
    /// The receiver's context: presents site B's certificate and requires a client
    /// certificate signed by the private authority.
    public func serverContext() throws(ReplicatorError) -> TLSContext {
        do {
            return try TLSContext(
                .server(
                    certificateChainFile: self.certificate, privateKeyFile: self.privateKey,
                    clientTrust: .caFile(self.authority)))
        } catch {
            throw ReplicatorError(.configuration, "TLS: \(error)")
        }
    }

    /// The shipper's context: presents site A's certificate and accepts only a receiver
    /// whose certificate the private authority signed.
    public func clientContext() throws(ReplicatorError) -> TLSContext {
        var configuration = TLSConfiguration.client(trust: .caFile(self.authority))
        configuration.certificateChainFile = self.certificate
        configuration.privateKeyFile = self.privateKey
        do {
            return try TLSContext(configuration)
        } catch {
            throw ReplicatorError(.configuration, "TLS: \(error)")
        }
    }
}
