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

    private static func installExitHook() {
        let install = Self.hookInstalled.withLock { installed in
            defer { installed = true }
            return !installed
        }
        guard install else { return }
        atexit { LiveClusters.removeAll() }
    }
}
