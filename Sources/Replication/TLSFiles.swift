/// The certificate, key and private authority of one site (mutual TLS: each side presents
/// its certificate and accepts only a peer whose certificate the authority signed).
public struct TLSFiles: Sendable, Equatable {
    public var certificate: String
    public var privateKey: String
    public var authority: String

    /// The three PEM files, as absolute paths.
    public init(certificate: String, privateKey: String, authority: String) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.authority = authority
    }

    init(_ object: ConfigurationObject) throws(ReplicatorError) {
        try object.allowOnly(["certificate", "privateKey", "authority"])
        self.certificate = try object.filePath("certificate")
        self.privateKey = try object.filePath("privateKey")
        self.authority = try object.filePath("authority")
    }
}
