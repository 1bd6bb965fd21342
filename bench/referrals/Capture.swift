import Foundation
import Security

/// Captures the statements of one real request for a new patient and one for a known
/// patient: statement logging on for portal_app (a role setting, so only connections
/// opened afterwards log), an API node of its own, the two requests through client 0's
/// session, then logging off again before the measured node connects.
enum Capture {
    struct Request {
        let statements: [LoggedStatement]
        let values: PgbenchScript.Varying
    }

    static func run(
        world: World, settings: BenchSettings
    ) async throws -> (
        new: Request, known: Request
    ) {
        try await world.cluster.psql(
            "ALTER ROLE portal_app SET log_statement = 'all';", database: world.database)
        let api = try InProcessAPI(world: world, loops: 1)
        do {
            let client = world.clients[0]
            let fixed = HTTPRun.fixed(client, world)
            // Client 0's serials of run 0, far into its range so that neither the key nor
            // the NHS number can equal one of the request's constant values.
            let serial = settings.firstSerial(run: 0) + 98_765
            let connection = try LoopbackConnection(port: api.port)
            // A node looks the tenant up once and then remembers it: a first request (the
            // referrer's list) does that, so the captured ones are as on a warm node.
            let list = try connection.exchange(Self.listRequest(fixed))
            guard list.status == 200 else {
                throw BenchFailure("GET /api/v1/referrals answered HTTP \(list.status)")
            }
            let new = try Self.request(
                connection, patient: serial, key: serial, fixed, world: world, client: client)
            let known = try Self.request(
                connection, patient: 1, key: serial + 1, fixed, world: world, client: client)
            await api.stop()
            try await world.cluster.psql(
                "ALTER ROLE portal_app RESET log_statement;", database: world.database)
            return (new, known)
        } catch {
            await api.stop()
            throw error
        }
    }

    private static func listRequest(_ fixed: ReferralRequest.Fixed) -> [UInt8] {
        Array(
            ("GET /api/v1/referrals?limit=1 HTTP/1.1\r\nHost: \(fixed.host)\r\n"
                + "Cookie: \(fixed.cookie)\r\n\r\n").utf8)
    }

    private static func request(
        _ connection: LoopbackConnection, patient n: Int, key: Int, _ fixed: ReferralRequest.Fixed,
        world: World, client: (user: UUID, token: String, csrf: String)
    ) throws -> Request {
        let log = world.cluster.logFile
        let start = StatementLog.offset(log)
        let response = try connection.exchange(ReferralRequest.bytes(patient: n, key: key, fixed))
        guard response.status == 201,
            let json = try JSONSerialization.jsonObject(with: Data(response.body))
                as? [String: Any],
            let patient = json["patientID"] as? String, let referral = json["id"] as? String
        else {
            throw BenchFailure(
                "the captured request failed: HTTP \(response.status) "
                    + String(decoding: response.body, as: UTF8.self))
        }
        // The server writes a statement's log line before running it, so the last one is
        // in the file by the time the answer arrives.
        let statements = try StatementLog.statements(
            in: log, from: start, to: StatementLog.offset(log), user: "portal_app")
        guard !statements.isEmpty else { throw BenchFailure("the statement log is empty") }

        let digest = try Hex.encode(SessionToken.storageDigest(of: client.token))
        let values = PgbenchScript.Varying(
            tokenDigest: "\\x\(digest)", user: client.user.uuidString.lowercased(),
            key: String(key), nhsNumber: PatientPool.nhsNumber(serial: n), patient: patient,
            referral: referral)
        return Request(statements: statements, values: values)
    }
}
