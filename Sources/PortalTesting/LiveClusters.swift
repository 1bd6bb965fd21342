import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Every cluster folder this process has made and not yet removed, so that the ones a test
/// left behind (the shared cluster, or any whose test crashed past its cleanup) are shut
/// down and deleted when the process exits.
enum LiveClusters {
    private static let folders = Mutex<Set<String>>([])
    private static let hookInstalled = Mutex(false)

    static func add(_ folder: ClusterFolder) {
        Self.installExitHook()
        _ = Self.sweptAbandoned
        _ = Self.folders.withLock { $0.insert(folder.root) }
    }

    static func remove(_ folder: ClusterFolder) {
        _ = Self.folders.withLock { $0.remove(folder.root) }
    }

    /// Immediate shutdown (SIGQUIT, then SIGKILL) of every remaining cluster, then removal of
    /// its folder. Runs at process exit.
    static func removeAll() {
        let roots = Self.folders.withLock { folders in
            defer { folders.removeAll() }
            return Array(folders)
        }
        for root in roots {
            let folder = ClusterFolder(root: root)
            if let pid = ServerProcess.postmasterPID(dataDirectory: folder.dataDirectory),
                !ServerProcess.signalAndWaitBlocking(pid, SIGQUIT, timeout: .seconds(10))
            {
                _ = ServerProcess.signalAndWaitBlocking(pid, SIGKILL, timeout: .seconds(5))
            }
            folder.remove()
        }
    }

    /// Once per process: shuts down and deletes the cluster folders of test processes that
    /// died without cleaning up (killed by a CI timeout, say), recognised by the creator's pid
    /// in the folder name. A postmaster is signalled only if its working directory is that
    /// folder's data directory, so a reused pid is never hit.
    private static let sweptAbandoned: Void = {
        let base = ClusterFolder.base
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        for name in names where name.hasPrefix(ClusterFolder.prefix) {
            let rest = name.dropFirst(ClusterFolder.prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let creator = Int32(rest[..<dash]),
                creator != getpid(), ServerProcess.isGone(creator)
            else {
                continue
            }
            let folder = ClusterFolder(root: "\(base)/\(name)")
            if let pid = ServerProcess.postmasterPID(dataDirectory: folder.dataDirectory),
                ServerProcess.workingDirectory(of: pid) == folder.dataDirectory,
                !ServerProcess.signalAndWaitBlocking(pid, SIGQUIT, timeout: .seconds(5))
            {
                _ = ServerProcess.signalAndWaitBlocking(pid, SIGKILL, timeout: .seconds(5))
            }
            folder.remove()
        }
    }()

    private static func installExitHook() {
        let install = Self.hookInstalled.withLock { installed in
            defer { installed = true }
            return !installed
        }
        guard install else { return }
        atexit { LiveClusters.removeAll() }
    }
}
