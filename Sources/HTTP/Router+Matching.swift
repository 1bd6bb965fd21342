/// Where a path led in the route tree, with its parameters still encoded.
struct RouterMatch {
    var node: Int
    var parameters: [(name: String, value: String)]
}

extension Router {
    /// A matched parameter before decoding; wildcard values stay encoded.
    typealias RawParameter = (name: String, value: Substring, isWildcard: Bool)

    /// Finds the node for `path`, or the problem to answer with: 404 for an unknown path,
    /// 400 for a parameter whose percent-encoding is invalid or for a target that is not a
    /// path.
    func match(path: String) -> Result<RouterMatch, Problem> {
        guard path.utf8.first == UInt8(ascii: "/") else {
            return .failure(.badRequest("The request target must be a path starting with '/'."))
        }

        var raw: [RawParameter] = []
        let first = path.utf8.index(after: path.startIndex)
        let start = first == path.endIndex && path.utf8.count == 1 ? nil : first
        guard let node = self.walk(0, path: path, from: start, parameters: &raw) else {
            return .failure(.notFound("No resource lives at this path.", instance: nil))
        }

        var parameters: [(name: String, value: String)] = []
        parameters.reserveCapacity(raw.count)
        for (name, value, isWildcard) in raw {
            if isWildcard {
                parameters.append((name, String(value)))
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
    /// that leads nowhere. `start` is where the next segment begins, nil past the end.
    private func walk(
        _ index: Int, path: String, from start: String.Index?,
        parameters: inout [RawParameter]
    ) -> Int? {
        let node = self.nodes[index]
        guard let start else {
            if !node.routes.isEmpty { return index }
            guard let wildcard = node.wildcard, !self.nodes[wildcard.node].routes.isEmpty else {
                return nil
            }
            parameters.append((wildcard.name, path[path.endIndex...], true))
            return wildcard.node
        }

        let utf8 = path.utf8
        let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
        let segment = path[start..<end]
        let next = end == utf8.endIndex ? nil : utf8.index(after: end)

        for literal in node.literals where segment.utf8.elementsEqual(literal.segment.utf8) {
            let found = self.walk(literal.node, path: path, from: next, parameters: &parameters)
            if let found { return found }
        }

        if let parameter = node.parameter, !segment.isEmpty {
            parameters.append((parameter.name, segment, false))
            if let found = self.walk(
                parameter.node, path: path, from: next, parameters: &parameters)
            {
                return found
            }
            parameters.removeLast()
        }

        if let wildcard = node.wildcard, !self.nodes[wildcard.node].routes.isEmpty {
            parameters.append((wildcard.name, path[start...], true))
            return wildcard.node
        }
        return nil
    }
}
