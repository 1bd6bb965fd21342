/// Reading the request line and noting the fields that decide framing.
extension HeadBuilder {
    /// Parses `METHOD SP target SP HTTP/x.y`; returns the refusal, or nil when accepted.
    mutating func parseRequestLine(_ line: ArraySlice<UInt8>) -> HTTPParseError? {
        guard let firstSpace = line.firstIndex(of: ByteClass.space) else {
            return .bad(.invalidRequestLine, "the request line has no spaces")
        }
        let methodBytes = line[line.startIndex..<firstSpace]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ByteClass.isToken) else {
            return .bad(.invalidMethod, "the method is empty or not a token")
        }

        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: ByteClass.space) else {
            return .bad(.invalidRequestLine, "the request line has no version")
        }
        let target = rest[rest.startIndex..<secondSpace]
        let versionBytes = rest[(secondSpace + 1)...]

        switch Self.parseVersion(versionBytes) {
        case .failure(let error): return error
        case .success(let version): self.version = version
        }

        self.method =
            HTTPMethod.known(methodBytes)
            ?? HTTPMethod(rawValue: String(decoding: methodBytes, as: UTF8.self))
        return self.parseTarget(target)
    }

    private static func parseVersion(
        _ bytes: ArraySlice<UInt8>
    ) -> Result<HTTPVersion, HTTPParseError> {
        let invalid = HTTPParseError.bad(.invalidVersion, "the protocol version is not HTTP/x.y")
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8) else { return .failure(invalid) }

        let base = bytes.startIndex
        let major = bytes[base + 5]
        let dot = bytes[base + 6]
        let minor = bytes[base + 7]
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard digits.contains(major), dot == UInt8(ascii: "."), digits.contains(minor) else {
            return .failure(invalid)
        }
        guard major == UInt8(ascii: "1") else {
            return .failure(
                HTTPParseError(
                    .unsupportedVersion, .httpVersionNotSupported, "only HTTP/1.x is served"))
        }
        // A later 1.x minor version is answered as 1.1 (RFC 9110 §6.2).
        return .success(minor == UInt8(ascii: "0") ? .http1_0 : .http1_1)
    }

    /// Accepts origin-form (`/path?query`), absolute-form (`http://host/path`) and `*` for
    /// OPTIONS; authority-form (CONNECT) is refused since this server is no proxy.
    private mutating func parseTarget(_ target: ArraySlice<UInt8>) -> HTTPParseError? {
        guard !target.isEmpty, target.allSatisfy(ByteClass.isTarget) else {
            return .bad(
                .invalidTarget, "the request target is empty or has a character not allowed")
        }

        var pathAndQuery = target
        if target.first != UInt8(ascii: "/") {
            if target.count == 1 && target.first == UInt8(ascii: "*") && self.method == .options {
                self.path = "*"
                return nil
            }
            guard let afterScheme = Self.stripScheme(target) else {
                return .bad(.invalidTarget, "the request target is not a path or an absolute URI")
            }
            guard let slash = afterScheme.firstIndex(of: UInt8(ascii: "/")) else {
                self.path = "/"
                return nil
            }
            pathAndQuery = afterScheme[slash...]
        }

        if let mark = pathAndQuery.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(decoding: pathAndQuery[..<mark], as: UTF8.self)
            self.query = String(decoding: pathAndQuery[(mark + 1)...], as: UTF8.self)
        } else {
            self.path = String(decoding: pathAndQuery, as: UTF8.self)
        }
        return nil
    }

    private static func stripScheme(_ target: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        for scheme in ["http://", "https://"] where target.count > scheme.utf8.count {
            let prefix = target.prefix(scheme.utf8.count)
            if HTTPHeaders.asciiCaseInsensitiveEqual(prefix, scheme.utf8) {
                let rest = target.dropFirst(scheme.utf8.count)
                return rest.first == UInt8(ascii: "/") ? nil : rest
            }
        }
        return nil
    }

    /// Notes a field that decides framing or connection handling; returns a refusal.
    mutating func note(_ field: HTTPHeaders.Field) -> HTTPParseError? {
        let name = field.name
        switch name.utf8.count {
        case 4 where HTTPHeaders.sameName(name, "host"):
            self.hosts += 1
        case 6 where HTTPHeaders.sameName(name, "expect"):
            if HTTPHeaders.sameName(field.value, "100-continue") {
                self.expectsContinue = true
            } else {
                self.otherExpectation = true
            }
        case 10 where HTTPHeaders.sameName(name, "connection"):
            let headers = HTTPHeaders([field])
            self.connectionClose = self.connectionClose || headers.hasToken("close", in: name)
            self.connectionKeepAlive =
                self.connectionKeepAlive || headers.hasToken("keep-alive", in: name)
        case 14 where HTTPHeaders.sameName(name, "content-length"):
            return self.noteContentLength(field.value)
        case 17 where HTTPHeaders.sameName(name, "transfer-encoding"):
            self.transferEncodings += 1
            self.chunked = HTTPHeaders.sameName(field.value, "chunked")
        default:
            break
        }
        return nil
    }

    /// Accepts one decimal length, repeated only with the same value; lists are refused.
    private mutating func noteContentLength(_ value: String) -> HTTPParseError? {
        guard !value.isEmpty,
            value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            return .bad(.invalidContentLength, "Content-Length is not a single decimal number")
        }

        var length = 0
        var tooLarge = false
        for digit in value.utf8 {
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            if overflow1 || overflow2 {
                tooLarge = true
                break
            }
            length = sum
        }

        if let previous = self.contentLength,
            previous != length || tooLarge != self.contentLengthTooLarge
        {
            return .bad(.invalidContentLength, "Content-Length is repeated with different values")
        }
        self.contentLength = length
        self.contentLengthTooLarge = tooLarge
        return nil
    }
}
