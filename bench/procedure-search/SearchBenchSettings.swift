import Foundation

/// The benchmark's knobs, from the environment.
struct SearchBenchSettings {
    /// Procedures in the tenant's catalogue: the 51 real ones and generated variants.
    var catalogueRows = 5000
    /// Requests measured over HTTP, one at a time on one keep-alive connection.
    var requests = 4000
    /// Requests sent first and not measured (connections, caches, plans).
    var warmUp = 300
    /// The measured loop stops after this long even if unfinished (and says so).
    var timeLimit: Duration = .seconds(90)

    static func fromEnvironment() -> SearchBenchSettings {
        var settings = SearchBenchSettings()
        let environment = ProcessInfo.processInfo.environment
        if let value = environment["BENCH_CATALOGUE_ROWS"].flatMap(Int.init), value >= 51 {
            settings.catalogueRows = min(value, 100_000)
        }
        if let value = environment["BENCH_REQUESTS"].flatMap(Int.init), value > 0 {
            settings.requests = min(value, 1_000_000)
        }
        if let value = environment["BENCH_TIME_LIMIT_SECONDS"].flatMap(Int.init), value > 0 {
            settings.timeLimit = .seconds(min(value, 3600))
        }
        return settings
    }

    /// What referrers type: whole words, misspellings, codes, modality filters.
    static let queries = [
        "q=mri+knee", "q=mri+kne", "q=pet+ct+whole+bdy", "q=ultrsound+pelvis", "q=ct+chest",
        "q=ct+abdomen+pelvis+contrast", "q=knee", "q=mri", "q=MKNEB", "q=241641004",
        "q=echocardiogram", "q=dexa", "q=magnetic+resonance+prostate", "q=knee&modality=MRI",
        "q=chest&modality=CT", "q=breast+ultrasound", "q=cervical+spine", "q=thyroid",
        "q=lumbar+spine+mri", "q=colonography",
    ]
}
