// swift-tools-version:6.1
// The dual-site imaging e-referral backend: one package, a module per concern.

import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "imaging-referrals",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portalctl", targets: ["portalctl"]),
        .executable(name: "portal-api", targets: ["portal-api"]),
        .executable(name: "portal-replicator", targets: ["portal-replicator"]),
        .executable(name: "portal-agent", targets: ["portal-agent"]),
        .executable(name: "portal-coordinator", targets: ["portal-coordinator"]),
    ],
    targets: [
        // C libraries reached through system-library targets, each with a shim for the
        // function-like macros Swift cannot import.
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Linux calls that Glibc's Swift module leaves out (epoll, eventfd, timerfd, ...).
        .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),

        .target(name: "Telemetry", swiftSettings: strict),
        .target(name: "Reactor", dependencies: ["CLinux", "Telemetry"], swiftSettings: strict),
        .target(
            name: "Postgres",
            dependencies: ["CPostgres", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .target(
            name: "HTTP",
            dependencies: ["CLinux", "CZlib", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .target(name: "Security", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(
            name: "Migrations",
            dependencies: ["Security", "Postgres", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .target(
            name: "Notifications",
            dependencies: ["Security", "Postgres", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .target(
            name: "PortalTesting",
            dependencies: ["ChildProcess", "Migrations", "Postgres", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .target(name: "Tenancy", dependencies: ["Postgres"], swiftSettings: strict),
        .target(
            name: "Audit",
            dependencies: ["Postgres", "Security", "Tenancy"],
            swiftSettings: strict
        ),
        .target(
            name: "Accounts",
            dependencies: ["Audit", "Notifications", "Postgres", "Security", "Telemetry", "Tenancy"],
            swiftSettings: strict
        ),
        .target(
            name: "Replication",
            dependencies: ["COpenSSL", "CZlib", "Security", "Telemetry"],
            swiftSettings: strict
        ),
        // Programs started as children: no inherited descriptors, default signals, a group
        // or session of their own.
        .target(name: "ChildProcess", swiftSettings: strict),
        .target(
            name: "Topology", dependencies: ["ChildProcess", "Failover"], swiftSettings: strict),
        // Who is primary: leases, terms, elections and the synchronous set, decided at the
        // witness site.
        .target(name: "Failover", dependencies: ["Telemetry"], swiftSettings: strict),
        // The agent beside each PostgreSQL: supervises it, holds or fences the lease,
        // promotes, rewinds and rejoins.
        .target(
            name: "SiteAgent",
            dependencies: [
                "CPostgres", "ChildProcess", "Failover", "HTTP", "Postgres", "Reactor", "Telemetry",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Referrals",
            dependencies: ["Audit", "Postgres", "Security", "Telemetry", "Tenancy"],
            swiftSettings: strict
        ),
        .target(
            name: "PortalAPI",
            dependencies: ["Accounts", "HTTP", "Postgres", "Referrals", "Telemetry", "Tenancy"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "portalctl",
            dependencies: [
                "Accounts", "Audit", "Failover", "Migrations", "Postgres", "Reactor", "Referrals",
                "Replication",
                "Tenancy", "Telemetry", "Topology",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "portal-replicator",
            dependencies: ["Replication", "Telemetry"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "portal-agent",
            dependencies: ["Failover", "SiteAgent", "Telemetry"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "portal-coordinator",
            dependencies: ["Failover", "HTTP", "Reactor", "Telemetry"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "portal-api",
            dependencies: [
                "Accounts", "HTTP", "Notifications", "PortalAPI", "Postgres", "Referrals",
                "Telemetry",
            ],
            swiftSettings: strict
        ),

        // What the benchmarks share: CPU accounting of each side.
        .target(name: "BenchSupport", path: "bench/support", swiftSettings: strict),
        .executableTarget(
            name: "postgres-bench",
            dependencies: ["BenchSupport", "Postgres", "PortalTesting", "Reactor", "Telemetry"],
            path: "bench/postgres",
            exclude: ["run"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "password-hash-bench",
            dependencies: ["Security"],
            path: "bench/password-hash",
            exclude: ["run"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "procedure-search-bench",
            dependencies: [
                "Accounts", "BenchSupport", "HTTP", "Migrations", "PortalAPI", "PortalTesting", "Postgres",
                "Reactor", "Referrals", "Security", "Telemetry", "Tenancy",
            ],
            path: "bench/procedure-search",
            exclude: ["run"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "referrals-bench",
            dependencies: [
                "Accounts", "BenchSupport", "HTTP", "Migrations", "PortalAPI", "PortalTesting", "Postgres",
                "Reactor", "Referrals", "Security", "Telemetry", "Tenancy",
            ],
            path: "bench/referrals",
            exclude: ["run"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "wal-compression-bench",
            dependencies: ["BenchSupport", "PortalTesting", "Replication"],
            path: "bench/wal-compression",
            exclude: ["run"],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "walship-bench",
            dependencies: ["PortalTesting", "Replication", "Topology"],
            path: "bench/walship",
            exclude: ["run"],
            swiftSettings: strict
        ),

        // The fault drills' referral load through the front door, and the invariants checked
        // against the database afterwards (chaos/drill runs it).
        .executableTarget(
            name: "chaos-load",
            dependencies: ["CPostgres", "Referrals", "Telemetry"],
            path: "chaos/load",
            swiftSettings: strict
        ),

        // libFuzzer target for the HTTP request parser (scripts/fuzz-http); a plain build
        // makes a tool that replays saved inputs.
        .executableTarget(
            name: "http-parser-fuzz",
            dependencies: ["HTTP"],
            path: "fuzz/http-parser",
            swiftSettings: strict
        ),

        .testTarget(name: "ReactorTests", dependencies: ["Reactor"], swiftSettings: strict),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "PortalTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MigrationsTests",
            dependencies: ["Migrations", "PortalTesting"],
            swiftSettings: strict
        ),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: strict),
        .testTarget(
            name: "TenancyTests",
            dependencies: ["Tenancy", "Migrations", "PortalTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "Tenancy", "Migrations", "PortalTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts", "Security"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortalAPITests",
            dependencies: [
                "Accounts", "Audit", "HTTP", "Migrations", "Notifications", "PortalAPI",
                "PortalTesting", "Postgres", "Reactor", "Referrals", "Security", "Telemetry",
                "Tenancy",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReplicationTests",
            dependencies: ["PortalTesting", "Replication", "Security", "Telemetry", "Topology"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReferralsTests",
            dependencies: [
                "Referrals", "Migrations", "PortalTesting", "Postgres", "Reactor", "Telemetry",
                "Tenancy",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TopologyTests", dependencies: ["Failover", "Topology", "PortalTesting"],
            swiftSettings: strict),
        .testTarget(
            name: "SiteAgentTests",
            dependencies: [
                "Failover", "SiteAgent", "HTTP", "PortalTesting", "Reactor", "Telemetry",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FailoverTests", dependencies: ["Failover", "HTTP", "Telemetry"],
            swiftSettings: strict),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"], swiftSettings: strict),
        .testTarget(
            name: "ChaosLoadTests", dependencies: ["chaos-load", "Referrals"],
            swiftSettings: strict),
        .testTarget(
            name: "SecurityTests",
            dependencies: ["Security", "PortalTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: [
                "Notifications", "Security", "Migrations", "PortalTesting", "Postgres", "Reactor",
                "Telemetry",
            ],
            swiftSettings: strict
        ),
    ]
)
