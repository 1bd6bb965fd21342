import Foundation
import Referrals

/// What the benchmark prints.
enum Report {
    /// Writes a line at once, unbuffered, so progress shows while the rounds run.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func header(
        _ settings: BenchSettings, captured: (new: Capture.Request, known: Capture.Request),
        constants: Int
    ) {
        say(
            "workload: POST /api/v1/referrals, MRI knee, \(settings.knownPercent)% for one of "
                + "\(settings.patients) existing patients, the rest new;")
        say(
            "          \(settings.clients) concurrent clients each side, one throwaway cluster, "
                + "\(settings.rounds) alternating rounds of \(settings.roundSeconds) s per side")
        let new = captured.new.statements
        let known = captured.known.statements
        say(
            "captured from the API's statement log: \(new.count) statements for a new patient, "
                + "\(known.count) for a known one")
        say("(session check and referral, each BEGIN..COMMIT); the new patient's:")
        for (index, statement) in new.enumerated() {
            let line = statement.sql.split(separator: "\n").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.joined(separator: " ")
            say(String(format: "  %2d ", index + 1) + line.prefix(92))
        }
        let parameters = (new + known).map(\.parameters.count).reduce(0, +)
        say(
            "pgbench script: the same \(new.count) / \(known.count) statements, \(parameters) "
                + "parameters (\(constants) distinct constants, the rest per-request variables)")
    }

    static func round(_ round: Int, http: SideResult, pgbench: SideResult) {
        let name = round < 0 ? "warm-up" : "round \(round + 1)"
        say(
            name.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(
                    format: "HTTP %5.0f req/s (%d in %.1f s)   pgbench %5.0f tx/s (%d in %.1f s)",
                    http.throughput, http.requests, http.seconds, pgbench.throughput,
                    pgbench.requests, pgbench.seconds))
    }

    /// Both sides did the same work: every referral has its first event, its idempotency
    /// key and its audit row; every new patient came with its history row; every NHS
    /// number stored is valid.
    static func check(_ world: World, _ settings: BenchSettings, referrals: Int) async throws {
        let counts = try await world.cluster.psql(
            """
            SELECT (SELECT count(*) FROM portal.referrals),
                   (SELECT count(*) FROM portal.referral_events),
                   (SELECT count(*) FROM portal.idempotency_keys WHERE response_status = 201),
                   (SELECT count(*) FROM portal.audit_events WHERE action = 'referral.submitted'),
                   (SELECT count(*) FROM portal.patients) - \(settings.patients),
                   (SELECT count(*) FROM portal.patient_demographics_history);
            """, database: world.database)
        let values = counts.split(separator: "|").compactMap { Int($0) }
        guard values.count == 6, values[0...3].allSatisfy({ $0 == referrals }),
            values[4] == values[5]
        else {
            throw BenchFailure(
                "the database does not hold what the requests made (\(referrals) referrals "
                    + "answered; referrals|events|keys|audit|new patients|history: \(counts))")
        }
        let numbers = try await world.cluster.psql(
            "SELECT nhs_number FROM portal.patients;", database: world.database)
        let invalid = numbers.split(separator: "\n").filter { NHSNumber(String($0)) == nil }
        guard invalid.isEmpty else {
            throw BenchFailure("invalid NHS numbers stored: \(invalid.prefix(5))")
        }
        say(
            "checked: \(referrals) referrals, each with its event, key and audit row; "
                + "\(values[4]) new patients, each with its history row; all NHS numbers valid")
    }

    static func summary(
        _ settings: BenchSettings, loops: Int, http: SideSummary, pgbench: SideSummary
    ) {
        say(
            http.line("HTTP (\(settings.clients) conns, \(loops) loops)", api: true))
        say(
            pgbench.line(
                "pgbench -M prepared -c \(settings.clients) -j \(settings.threads)", api: false))
        say(
            "load average at the end: "
                + ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?")
                .split(separator: " ").prefix(3).joined(separator: " ")
                + " (other work on the machine skews throughput, not CPU per request)")
        // Each HTTP round and the pgbench round right after it share the machine's load of
        // that moment; their ratios show how much of the spread is the machine's.
        let paired = zip(http.rounds, pgbench.rounds).map {
            $0.throughput / max($1.throughput, 1e-9)
        }
        let median = paired.sorted()[(paired.count - 1) / 2]
        say(
            "per-round ratios: "
                + paired.map { String(format: "%.2f", $0) }.joined(separator: " ")
                + String(format: " (median %.2f)", median))
        let ratio = http.throughput / max(pgbench.throughput, 1e-9)
        say("referral API / pgbench throughput ratio: \(String(format: "%.2f", ratio))")
    }
}
