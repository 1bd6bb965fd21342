import Foundation
import Postgres
import Synchronization
import Tenancy

/// Searches a tenant's procedure catalogue, as the API's role, in a read-only transaction
/// confined to the tenant.
///
/// A search is one statement: PostgreSQL's full-text search over each procedure's
/// `search_vector` (English stemming, each typed word also as a prefix, misspelt words
/// widened to the catalogue words within an edit or two of them), ranked by `ts_rank` plus
/// pg_trgm's similarity of the name and of the body site to the typed text; a SNOMED CT
/// id or NICIP code typed whole puts that procedure first, alone. When every word together
/// finds nothing, any word will do.
///
/// Under row-level security PostgreSQL may use an index only for leakproof operators, and
/// neither `@@` nor pg_trgm's are, so each search reads the tenant's whole catalogue (through
/// the `tenant_id` index, see `preferIndexes`) rather than the GIN indexes: the search
/// statement's time grows with the catalogue, a few milliseconds for 5,000 procedures (a
/// table of search terms with a b-tree index would make it independent of the size). For
/// the same reason misspellings are not matched with trigram similarity row by row (tens
/// of microseconds a row) but against the catalogue's vocabulary, which each instance
/// keeps per tenant for `vocabularyLifetime`: a word new to the catalogue is corrected
/// towards only after that (it is found when typed correctly at once).
public final class ProcedureCatalogue: Sendable {
    /// How long a tenant's vocabulary is used before it is read again.
    public static let vocabularyLifetime: Duration = .seconds(60)

    private let pool: @Sendable () -> PostgresPool
    /// Each tenant's vocabulary and when it was read.
    private let vocabularies = Mutex<[TenantID: CachedVocabulary]>([:])

    private struct CachedVocabulary {
        let vocabulary: ProcedureVocabulary
        let read: ContinuousClock.Instant
    }

    /// `pool` gives the database pool to use from the calling task.
    public init(pool: @escaping @Sendable () -> PostgresPool) {
        self.pool = pool
    }

    /// The procedures that match `search` in `tenant`'s active catalogue, best first.
    public func search(
        _ search: ProcedureSearch, tenant: TenantID
    ) async throws(ProcedureCatalogueError) -> [ProcedureMatch] {
        let vocabulary = try await self.vocabulary(tenant)
        let groups = search.words.map { word in
            let alternatives = vocabulary.alternatives(for: word)
            let terms = ["\(alternatives.prefix):*"] + alternatives.corrections
            return "(" + terms.joined(separator: " | ") + ")"
        }

        do {
            return try await self.pool().withTenant(tenant, readOnly: true) { transaction in
                try await Self.preferIndexes(transaction)
                let all = try await Self.run(
                    search, words: groups.joined(separator: " & "), transaction)
                guard all.isEmpty, groups.count > 1 else { return all }
                return try await Self.run(
                    search, words: groups.joined(separator: " | "), transaction)
            }
        } catch let error as ProcedureCatalogueError {
            throw error
        } catch {
            throw ProcedureCatalogueError(
                .database, "could not search the procedure catalogue",
                underlying: error as? PostgresError ?? (error as? TenancyError)?.underlying)
        }
    }

    /// The tenant's vocabulary, read when missing or older than `vocabularyLifetime`.
    func vocabulary(
        _ tenant: TenantID
    ) async throws(ProcedureCatalogueError) -> ProcedureVocabulary {
        let now = ContinuousClock.now
        if let cached = self.vocabularies.withLock({ $0[tenant] }),
            cached.read.duration(to: now) < Self.vocabularyLifetime
        {
            return cached.vocabulary
        }

        let words: [String]
        do {
            words = try await self.pool().withTenant(tenant, readOnly: true) { transaction in
                try await Self.preferIndexes(transaction)
                let rows = try await transaction.query(
                    """
                    SELECT DISTINCT w
                    FROM portal.procedures,
                         pg_catalog.regexp_split_to_table(search_text, '[^a-z0-9]+') AS w
                    WHERE active AND w ~ '^[a-z][a-z0-9]{1,39}$'
                    """)
                return try rows.map { row throws(PostgresError) in
                    try row.decode(String.self, at: 0)
                }
            }
        } catch {
            throw ProcedureCatalogueError(
                .database, "could not read the catalogue's vocabulary",
                underlying: error as? PostgresError ?? (error as? TenancyError)?.underlying)
        }
        let vocabulary = ProcedureVocabulary(words)
        let cached = CachedVocabulary(vocabulary: vocabulary, read: now)
        self.vocabularies.withLock { $0[tenant] = cached }
        return vocabulary
    }

    /// Steers the transaction's plans away from sequential scans. The row-level security
    /// policy's `portal.current_tenant()` is evaluated for every row a sequential scan reads
    /// (about 1.5 µs each: a setting looked up and a UUID parsed), but once as the condition
    /// of an index scan on `tenant_id`; the planner does not know that cost and picks the
    /// sequential scan, which makes a search of 5,000 procedures several times slower.
    private static func preferIndexes(
        _ transaction: TenantTransaction
    ) async throws(PostgresError) {
        _ = try await transaction.query(
            "SELECT pg_catalog.set_config('enable_seqscan', 'off', true)")
    }

    /// One search statement with `words` as the full-text query's text.
    private static func run(
        _ search: ProcedureSearch, words: String, _ transaction: TenantTransaction
    ) async throws(PostgresError) -> [ProcedureMatch] {
        let rows = try await transaction.query(
            """
            WITH hits AS (
                SELECT p.id, p.snomed_ct_id, p.nicip_codes, p.name, p.modality,
                       p.modality_label, p.body_site, p.contrast, p.safety_questions,
                       p.pairing_derived,
                       coalesce(p.snomed_ct_id = \(search.code)
                                OR \(search.code) = ANY (p.nicip_codes), false) AS exact,
                       pg_catalog.ts_rank(p.search_vector, q.query, 1) AS text_rank
                FROM portal.procedures AS p,
                     pg_catalog.to_tsquery('english', \(words)) AS q(query)
                WHERE p.active
                  AND (\(search.modality?.rawValue)::text IS NULL
                       OR p.modality = \(search.modality?.rawValue))
                  AND (p.snomed_ct_id = \(search.code) OR \(search.code) = ANY (p.nicip_codes)
                       OR p.search_vector @@ q.query)
                ORDER BY exact DESC, text_rank DESC
                LIMIT 100
            )
            SELECT id, snomed_ct_id, pg_catalog.array_to_string(nicip_codes, '|'), name,
                   modality, modality_label, body_site, contrast,
                   pg_catalog.array_to_string(safety_questions, '|'), pairing_derived, exact,
                   (text_rank + public.similarity(lower(name), lower(\(search.text)))
                    + public.similarity(lower(body_site), lower(\(search.text))))::float8
            FROM hits
            ORDER BY exact DESC, 12 DESC, name, id
            LIMIT \(search.limit)
            """)
        var matches: [ProcedureMatch] = []
        for row in rows {
            matches.append(try Self.match(row))
        }
        if matches.first?.exactCode == true {
            return matches.filter(\.exactCode)
        }
        return matches
    }

    private static func match(_ row: PostgresRow) throws(PostgresError) -> ProcedureMatch {
        let modality = try row.decode(String.self, at: 4)
        let contrast = try row.decode(String.self, at: 7)
        let sets = try row.decode(String.self, at: 8)
        guard let modality = Modality(rawValue: modality),
            let contrast = Contrast(rawValue: contrast)
        else {
            throw PostgresError(
                code: .decoding, message: "a procedure has an unknown modality or contrast")
        }
        let codes = try row.decode(String.self, at: 2)
        return ProcedureMatch(
            id: try row.decode(UUID.self, at: 0),
            snomedCTID: try row.decode(String.self, at: 1),
            nicipCodes: codes.isEmpty ? [] : codes.split(separator: "|").map(String.init),
            name: try row.decode(String.self, at: 3), modality: modality,
            modalityLabel: try row.decode(String.self, at: 5),
            bodySite: try row.decode(String.self, at: 6), contrast: contrast,
            safetyQuestions: sets.split(separator: "|").compactMap {
                SafetyQuestionSet(rawValue: String($0))
            },
            pairingDerived: try row.decode(Bool.self, at: 9),
            exactCode: try row.decode(Bool?.self, at: 10) ?? false,
            score: try row.decode(Double.self, at: 11))
    }
}
