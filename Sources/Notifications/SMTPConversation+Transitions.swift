import Security

extension SMTPConversation {
    /// The next action after `reply` arrived.
    mutating func received(_ reply: SMTPReply) -> Action {
        switch self.state {
        case .greeting:
            guard reply.code == 220 else { return self.failure(reply, during: "greeting") }
            self.state = .ehlo
            return .send("EHLO \(self.heloName)")

        case .ehlo:
            if reply.code == 250 {
                self.learnExtensions(reply)
                return self.afterHello()
            }
            // A server that does not know EHLO answers 500/502: fall back to HELO.
            guard [500, 502].contains(reply.code) else {
                return self.failure(reply, during: "EHLO")
            }
            self.state = .helo
            return .send("HELO \(self.heloName)")

        case .helo:
            guard reply.code == 250 else { return self.failure(reply, during: "HELO") }
            self.extensions = []
            return self.afterHello()

        case .startTLS:
            if reply.code == 220 {
                self.state = .handshaking
                return .startTLS
            }
            guard self.security == .startTLSOpportunistic else {
                return self.refuse(.tlsUnavailable, "the relay refused STARTTLS", reply)
            }
            return self.afterSecurity()

        case .handshaking, .finished:
            return self.refuse(.protocolViolation, "unexpected reply", reply)

        case .ehloSecured:
            guard reply.code == 250 else {
                return self.failure(reply, during: "EHLO after STARTTLS")
            }
            self.learnExtensions(reply)
            return self.afterSecurity()

        case .authPlain, .authLoginPassword:
            guard reply.code == 235 else {
                return self.refuse(
                    .authenticationFailed, "the relay refused the credentials", reply)
            }
            return self.mailFrom()

        case .authLogin:
            guard reply.code == 334, let credentials = self.credentials else {
                return self.refuse(.authenticationFailed, "the relay refused AUTH LOGIN", reply)
            }
            self.state = .authLoginUsername
            return .sendSecret(Base64.encode(Array(credentials.username.utf8), padded: true))

        case .authLoginUsername:
            guard reply.code == 334, let credentials = self.credentials else {
                return self.refuse(.authenticationFailed, "the relay refused the user name", reply)
            }
            self.state = .authLoginPassword
            return .sendSecret(Base64.encode(Array(credentials.password.utf8), padded: true))

        case .mailFrom:
            guard reply.code == 250 else { return self.failure(reply, during: "MAIL FROM") }
            self.state = .rcptTo
            return .send("RCPT TO:<\(self.recipient)>")

        case .rcptTo:
            guard reply.code == 250 || reply.code == 251 else {
                return self.failure(reply, during: "RCPT TO")
            }
            self.state = .data
            return .send("DATA")

        case .data:
            guard reply.code == 354 else { return self.failure(reply, during: "DATA") }
            self.state = .message
            return .sendMessage

        case .message:
            guard reply.code == 250 else { return self.failure(reply, during: "message") }
            self.state = .finished
            return .delivered
        }
    }

    /// The TLS handshake after STARTTLS succeeded: greet again, as RFC 3207 requires.
    mutating func tlsEstablished() -> Action {
        self.isEncrypted = true
        self.extensions = []
        self.authMechanisms = []
        self.state = .ehloSecured
        return .send("EHLO \(self.heloName)")
    }

    private mutating func afterHello() -> Action {
        guard !self.isEncrypted else { return self.afterSecurity() }

        let wanted = self.security == .startTLSRequired || self.security == .startTLSOpportunistic
        let offered = self.extensions.contains("STARTTLS")
        if wanted, offered {
            self.state = .startTLS
            return .send("STARTTLS")
        }
        guard self.security != .startTLSRequired else {
            return .fail(
                NotificationError(
                    .tlsUnavailable, "STARTTLS is required but the relay does not offer it",
                    context: self.host))
        }
        return self.afterSecurity()
    }

    private mutating func afterSecurity() -> Action {
        guard let credentials = self.credentials else { return self.mailFrom() }

        guard self.isEncrypted || self.allowsPlaintextAuthentication else {
            return .fail(
                NotificationError(
                    .authenticationFailed, "refusing to send credentials without TLS",
                    context: self.host))
        }
        if self.authMechanisms.contains("PLAIN") {
            self.state = .authPlain
            let token =
                [0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)
            return .sendSecret("AUTH PLAIN \(Base64.encode(token, padded: true))")
        }
        if self.authMechanisms.contains("LOGIN") {
            self.state = .authLogin
            return .send("AUTH LOGIN")
        }
        return .fail(
            NotificationError(
                .authenticationFailed, "the relay offers neither AUTH PLAIN nor AUTH LOGIN",
                context: self.host))
    }

    private mutating func mailFrom() -> Action {
        self.state = .mailFrom
        return .send("MAIL FROM:<\(self.sender)>")
    }

    /// Reads EHLO's extension lines (`STARTTLS`, `AUTH PLAIN LOGIN`, `AUTH=LOGIN`).
    private mutating func learnExtensions(_ reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" })
            guard let keyword = words.first else { continue }
            self.extensions.insert(String(keyword))
            if keyword == "AUTH" {
                self.authMechanisms.formUnion(words.dropFirst().map(String.init))
            }
        }
    }

    /// A refusal classified by its code: 4xx transient, 5xx permanent, anything else a
    /// protocol violation.
    private mutating func failure(_ reply: SMTPReply, during step: String) -> Action {
        self.state = .finished
        let code: NotificationError.Code =
            reply.isTransient
            ? .transientReply : reply.isPermanent ? .permanentReply : .protocolViolation
        return .fail(
            NotificationError(
                code, "the relay answered \(step) with: \(reply.summary)", context: self.host,
                replyCode: reply.code))
    }

    private mutating func refuse(
        _ code: NotificationError.Code, _ message: String, _ reply: SMTPReply
    ) -> Action {
        self.state = .finished
        return .fail(
            NotificationError(
                code, "\(message): \(reply.summary)", context: self.host, replyCode: reply.code))
    }
}
