#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Where a path led in the route tree, with its parameters decoded.
struct RouterMatch {
    var node: Int
    var parameters: [(name: String, value: String)]
}

extension Router {
    /// The request path's bytes and the current search state.
    typealias PathBytes = UnsafeBufferPointer<UInt8>

    /// A matched parameter as a byte range of the path; wildcard values stay encoded.
    typealias RawParameter = (name: String, range: Range<Int>, isWildcard: Bool)

    /// Finds the node for `path`, or the problem to answer with: 404 for an unknown path,
    /// 400 for a parameter whose percent-encoding is invalid or for a target that is not a
    /// path.
    func match(path: String) -> Result<RouterMatch, Problem> {
        var path = path
        if let found = path.utf8.withContiguousStorageIfAvailable({ self.match(bytes: $0) }) {
            return found
        }
        path.makeContiguousUTF8()
        return path.utf8.withContiguousStorageIfAvailable { self.match(bytes: $0) }
            ?? .failure(.badRequest("The request target could not be read."))
    }

    private func match(bytes: PathBytes) -> Result<RouterMatch, Problem> {
        guard bytes.first == UInt8(ascii: "/") else {
            return .failure(.badRequest("The request target must be a path starting with '/'."))
        }

        var raw: [RawParameter] = []
        let start = bytes.count == 1 ? nil : 1
        guard let node = self.walk(0, bytes, from: start, parameters: &raw) else {
            return .failure(.notFound("No resource lives at this path."))
        }

        var parameters: [(name: String, value: String)] = []
        for (name, range, isWildcard) in raw {
            let value = PathBytes(rebasing: bytes[range])
            if isWildcard {
                parameters.append((name, String(decoding: value, as: UTF8.self)))
                continue
            }
            guard let decoded = PercentDecoding.decode(value) else {
                let detail = "The path segment for '\(name)' has an invalid percent-encoding."
                return .failure(.badRequest(detail))
            }
            parameters.append((name, decoded))
        }
        return .success(RouterMatch(node: node, parameters: parameters))
    }

    /// Depth-first search: literal, then parameter, then wildcard, backing out of a branch
    /// that leads nowhere. `start` is the offset where the next segment begins, nil past
    /// the end.
    private func walk(
        _ index: Int, _ bytes: PathBytes, from start: Int?, parameters: inout [RawParameter]
    ) -> Int? {
        guard let start else {
            if !self.nodes[index].routes.isEmpty { return index }
            guard let wildcard = self.nodes[index].wildcard,
                !self.nodes[wildcard.node].routes.isEmpty
            else { return nil }
            parameters.append((wildcard.name, bytes.count..<bytes.count, true))
            return wildcard.node
        }

        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "/") {
            end += 1
        }
        let segment = PathBytes(rebasing: bytes[start..<end])
        let next = end == bytes.count ? nil : end + 1

        for literal in self.nodes[index].literals where Self.equal(segment, literal.bytes) {
            let found = self.walk(literal.node, bytes, from: next, parameters: &parameters)
            if let found { return found }
        }

        if let parameter = self.nodes[index].parameter, start < end {
            parameters.append((parameter.name, start..<end, false))
            let found = self.walk(parameter.node, bytes, from: next, parameters: &parameters)
            if let found { return found }
            parameters.removeLast()
        }

        if let wildcard = self.nodes[index].wildcard, !self.nodes[wildcard.node].routes.isEmpty {
            parameters.append((wildcard.name, start..<bytes.count, true))
            return wildcard.node
        }
        return nil
    }

    private static func equal(_ segment: PathBytes, _ literal: [UInt8]) -> Bool {
        guard segment.count == literal.count else { return false }
        return literal.withUnsafeBufferPointer { literal in
            guard let left = segment.baseAddress, let right = literal.baseAddress else {
                return true
            }
            return memcmp(left, right, literal.count) == 0
        }
    }
}
