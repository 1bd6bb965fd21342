import Security

/// The limits of signing in, as the service is told them at start-up. The defaults are the
/// product's; tests shorten them.
public struct AccountsPolicy: Sendable {
    /// How long an e-mailed sign-in code stays valid.
    public var codeLifetime: Duration = .seconds(10 * 60)
    /// Wrong codes allowed against one challenge; the next try finds it spent.
    public var codeAttempts = 5
    /// A session unused for this long is over.
    public var sessionIdleTimeout: Duration = .seconds(30 * 60)
    /// A session is over this long after sign-in, however busy.
    public var sessionLifetime: Duration = .seconds(12 * 60 * 60)
    /// How long an invitation's set-password link works.
    public var setPasswordLinkLifetime: Duration = .seconds(72 * 60 * 60)
    /// How passwords are hashed (scrypt parameters) and what a new one must satisfy.
    public var passwordHasher = PasswordHasher()
    /// Failed passwords and codes counted per account and per remote address.
    public var throttle = ThrottlePolicy()
    /// Registration requests accepted from one remote address in an hour, and for one work
    /// e-mail address in a day: each sends an e-mail, so the form must not become a way to
    /// flood someone's inbox.
    public var registrationsPerAddressPerHour = 10
    public var registrationsPerEmailPerDay = 3

    public init() {}
}

/// When repeated failures lock a subject (an account or a remote address) out for a while.
public struct ThrottlePolicy: Sendable {
    /// Failures are counted in fixed windows this long.
    public var window: Duration = .seconds(15 * 60)
    /// Failures within one window that lock an account (the e-mail typed).
    public var accountFailures = 10
    /// Failures within one window that lock a remote address.
    public var addressFailures = 50
    /// How long a lock lasts.
    public var lockout: Duration = .seconds(15 * 60)

    public init() {}
}

extension Duration {
    /// Whole and fractional seconds, as PostgreSQL's `make_interval(secs => ...)` takes them.
    var seconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
