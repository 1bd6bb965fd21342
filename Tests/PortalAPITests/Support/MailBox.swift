import Accounts
import Synchronization
import Tenancy

/// Collects the e-mails the accounts queue, for the tests to read codes and links from.
final class MailBox: MailQueue {
    private let messages = Mutex<[OutgoingMail]>([])

    func enqueue(_ mail: OutgoingMail, in transaction: TenantTransaction) async throws {
        self.messages.withLock { $0.append(mail) }
    }

    /// Every message to `address`, oldest first.
    func messages(to address: String) -> [OutgoingMail] {
        self.messages.withLock { $0.filter { $0.to.lowercased() == address.lowercased() } }
    }

    /// The last 6-digit code e-mailed to `address`.
    func lastCode(to address: String) -> String? {
        guard let body = self.messages(to: address).last(where: { $0.kind == "sign_in_code" })?.body
        else {
            return nil
        }
        return body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
    }

    /// The token of the last set-password link e-mailed to `address`.
    func lastLinkToken(to address: String) -> String? {
        guard let body = self.messages(to: address).last(where: { $0.kind == "invitation" })?.body,
            let range = body.range(of: "#token=")
        else {
            return nil
        }
        return String(body[range.upperBound...].prefix { !$0.isWhitespace })
    }
}
