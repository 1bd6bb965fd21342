// Ships the same real WAL with portal-replicator and with pgBackRest's archive-push, fed
// as PostgreSQL's archiver feeds archive_command, both over TLS on loopback with the same
// number of parallel streams: once at the same zlib level (1), once each at its default.
// Then measures how far the archive trails a primary under steady pgbench load with
// archive_command = portal-replicator push. Prints segments/s for each run and, last, the
// same-level ratio (higher is better for portal-replicator).

import Foundation
import PortalTesting
import Replication
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Prints a line at once (standard output is not line-buffered into a pipe).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

let settings = BenchSettings.fromEnvironment()
let root = NSTemporaryDirectory() + "walship-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
let authority = try CertificateAuthority(folder: root + "/ca")

/// Removes a finished run's folder and flushes the file system, so that no run pays for
/// the writeback of an earlier one.
func settle(_ folder: String) {
    try? FileManager.default.removeItem(atPath: folder)
    sync()
}

/// `label` as a folder name: letters and digits, the rest dashes.
func slug(_ label: String) -> String {
    String(label.map { $0.isLetter || $0.isNumber ? $0 : "-" })
}

/// One shipping run of `set` by portal-replicator at zlib `level`.
func shipWithWalship(_ set: SegmentSet, level: Int, label: String) throws -> ShippingRun {
    let folder = root + "/walship-" + slug(label)
    let wal = try set.stage(folder + "/pg")
    let walship = try Walship(
        folder: folder, walDirectory: wal, authority: authority, streams: settings.streams,
        level: level)
    defer { walship.stop() }
    var run = try ShippingRun.feed(
        tool: "portal-replicator, \(label)", walDirectory: wal, names: set.names,
        log: folder + "/push.log", command: walship.push)
    run.storedBytes = walship.storedBytes()
    guard walship.archived() == set.names.count else {
        throw BenchFailure("portal-replicator archived \(walship.archived()) of \(set.names.count)")
    }
    walship.stop()
    settle(folder)
    return run
}

/// One shipping run of `set` by pgBackRest, at `compression` or its default.
func shipWithPgBackRest(
    _ set: SegmentSet, cluster: TestCluster, compression: (type: String, level: Int)?,
    label: String
) throws -> ShippingRun {
    let folder = root + "/pgbackrest-" + slug(label)
    let wal = try set.stage(folder + "/pg")
    let pgbackrest: PgBackRest
    do {
        pgbackrest = try PgBackRest(
            folder: folder, cluster: cluster, pgPath: folder + "/pg", authority: authority,
            processes: settings.streams, compression: compression)
    } catch {
        say("pgBackRest's TLS server could not be set up (\(error)); LOCAL repository instead")
        pgbackrest = try PgBackRest(
            folder: folder + "-local", cluster: cluster, pgPath: folder + "/pg",
            authority: authority, processes: settings.streams, compression: compression,
            overTLS: false)
    }
    defer { pgbackrest.stop() }
    var run = try ShippingRun.feed(
        tool: "pgBackRest archive-push\(pgbackrest.overTLS ? "" : " (local)"), \(label)",
        walDirectory: wal, names: set.names,
        log: folder + "/push.log", command: pgbackrest.push)
    run.storedBytes = pgbackrest.storedBytes()
    guard pgbackrest.archived() == set.names.count else {
        throw BenchFailure("pgBackRest archived \(pgbackrest.archived()) of \(set.names.count)")
    }
    pgbackrest.stop()
    settle(pgbackrest.folder)
    settle(folder)
    return run
}

/// Both shipping comparisons, then the lag measurement; returns the same-level pair.
func measure() async throws -> (ours: ShippingRun, theirs: ShippingRun) {
    Command.giveToServer(root)
    let cluster = try await TestCluster.create(
        TestCluster.Options(settings: [
            "wal_keep_size": "'4GB'", "max_wal_size": "'8GB'", "checkpoint_timeout": "'30min'",
        ]))
    let sameLevel: (ours: ShippingRun, theirs: ShippingRun)
    do {
        let set = try await SegmentSet.generate(cluster, count: settings.segments, into: root)
        say(
            "\(set.names.count) segments of real pgbench WAL (\(set.totalBytes >> 20) MiB), "
                + "\(settings.streams) streams / processes, TLS on loopback for both; pgBackRest's "
                + "repository behind its own TLS server (repo1-host-type=tls)")

        let ours = try shipWithWalship(set, level: 1, label: "zlib level 1")
        say(ours.report())
        say(ours.detail())
        let theirs = try shipWithPgBackRest(
            set, cluster: cluster, compression: ("gz", 1), label: "gz level 1")
        say(theirs.report())
        say(theirs.detail())
        let theirDefault = try shipWithPgBackRest(
            set, cluster: cluster, compression: nil, label: "default (gz level 6)")
        say(theirDefault.report())
        say(theirDefault.detail())
        let ourDefault = try shipWithWalship(
            set, level: Int(SegmentCompression.defaultLevel),
            label: "default (zlib level \(SegmentCompression.defaultLevel))")
        say(ourDefault.report())
        say(ourDefault.detail())
        say(
            String(
                format: "defaults: portal-replicator / pgBackRest segments-per-second ratio: %.2f",
                ourDefault.segmentsPerSecond / theirDefault.segmentsPerSecond))
        sameLevel = (ours, theirs)
        await cluster.remove()
    } catch {
        await cluster.remove()
        throw error
    }

    // Archive lag under steady load, archive_command = portal-replicator push.
    let lagFolder = root + "/lag"
    try FileManager.default.createDirectory(atPath: lagFolder, withIntermediateDirectories: true)
    Command.giveToServer(lagFolder)
    let push = "\(Walship.program) push --config \(lagFolder)/site-a.json %p %f"
    let primary = try await TestCluster.create(
        TestCluster.Options(settings: [
            "archive_mode": "on", "archive_command": "'\(push)'", "max_wal_size": "'2GB'",
        ]))
    do {
        let walship = try Walship(
            folder: lagFolder, walDirectory: primary.dataDirectory + "/pg_wal",
            authority: authority, streams: settings.streams,
            level: Int(SegmentCompression.defaultLevel))
        defer { walship.stop() }
        let initialize = try await ProcessRunner.run(
            primary.binaries.path("pgbench"),
            [
                "-i", "-s", "10", "-q", "-h", "127.0.0.1", "-p", "\(primary.port)", "-U",
                TestCluster.superuser, "postgres",
            ], timeout: .seconds(300))
        guard initialize.succeeded else { throw BenchFailure(initialize.standardError) }
        let lag = try await ArchiveLag.measure(
            primary, seconds: settings.lagSeconds, clients: settings.lagClients,
            rate: settings.lagRate, folder: lagFolder)
        say(
            String(
                format:
                    "archive lag under pgbench (%d clients at %d tx/s, %d s, %d segments "
                    + "written, %.2f/s): "
                    + "max %d, median %.1f segments behind (%d samples, %d failed archive calls)",
                settings.lagClients, settings.lagRate, lag.seconds, lag.segmentsWritten,
                Double(lag.segmentsWritten) / Double(lag.seconds), lag.maximum, lag.median,
                lag.samples.count, lag.failedArchives))
        await primary.remove()
    } catch {
        await primary.remove()
        throw error
    }
    return sameLevel
}

let sameLevel: (ours: ShippingRun, theirs: ShippingRun)
do {
    sameLevel = try await measure()
} catch {
    try? FileManager.default.removeItem(atPath: root)
    FileHandle.standardError.write(Data("walship-bench: \(error)\n".utf8))
    exit(1)
}
try? FileManager.default.removeItem(atPath: root)
say(
    String(
        format: "walship / pgbackrest segments-per-second ratio: %.2f",
        sameLevel.ours.segmentsPerSecond / sameLevel.theirs.segmentsPerSecond))
