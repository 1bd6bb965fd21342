import Foundation

/// What the drill check reads from the coordinator's `GET /v1/status` (saved by the drill
/// after recovery): the term, the primary it names, and its latest decisions. Two
/// promotions recorded in one term would be two primaries in one term.
struct CoordinatorView {
    let term: Int?
    let primary: String?
    /// Promotions (elect, failover, forced failover, switchover) by term.
    let promotionsByTerm: [Int: Int]

    static let promotions: Set<String> = ["elect", "failover", "forced-failover", "switchover"]

    /// The view of the status JSON `text`; nil when it is empty or not the status.
    init?(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let status = object as? [String: Any], status["decisions"] != nil
        else { return nil }
        self.term = status["term"] as? Int
        self.primary = status["primary"] as? String
        var promotions: [Int: Int] = [:]
        for case let decision as [String: Any] in status["decisions"] as? [Any] ?? [] {
            guard let kind = decision["decision"] as? String, Self.promotions.contains(kind),
                let term = decision["term"] as? Int
            else { continue }
            promotions[term, default: 0] += 1
        }
        self.promotionsByTerm = promotions
    }

    /// Terms in which more than one node was promoted.
    var contestedTerms: [Int] {
        self.promotionsByTerm.filter { $0.value > 1 }.map(\.key).sorted()
    }

    /// The port of the primary the coordinator names, given the nodes' ports in order
    /// (site_a, site_b).
    func primaryPort(_ ports: [Int]) -> Int? {
        switch self.primary {
        case "site_a": ports.first
        case "site_b": ports.count > 1 ? ports[1] : nil
        default: nil
        }
    }
}
