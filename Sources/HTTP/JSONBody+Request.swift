extension HTTPRequest {
    /// The body decoded as JSON into `type`; unknown members are ignored. Throws the
    /// ``Problem`` to answer with (415, 400 or 422; see ``JSONBody``).
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(Problem) -> T {
        try JSONBody.decode(type, from: self.body, contentType: self.headers["Content-Type"])
    }

    /// The body decoded as JSON into `type`, refusing members `type` does not declare with a
    /// 422 that lists them.
    public func decodeStrictJSON<T: Codable>(_ type: T.Type) throws(Problem) -> T {
        try JSONBody.decodeStrict(type, from: self.body, contentType: self.headers["Content-Type"])
    }
}
