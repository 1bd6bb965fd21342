import Foundation

/// A file PostgreSQL has marked ready for archiving (`archive_status/NAME.ready`), with its
/// size and the time it became ready, as the shipper's scan found it.
struct ReadyFile: Sendable, Equatable {
    let name: WALFileName
    let size: Int
    let readySince: Date

    /// The order files are shipped in: by timeline, a timeline's `.history` before its
    /// segments, then by name (oldest first within a timeline).
    static func shippingOrder(_ left: WALFileName, _ right: WALFileName) -> Bool {
        if left.timeline != right.timeline { return left.timeline < right.timeline }
        let leftHistory = left.kind == .history
        if leftHistory != (right.kind == .history) { return leftHistory }
        return left.name < right.name
    }

    /// Lists `walDirectory/archive_status/*.ready` with the size of each file in
    /// `walDirectory`. Names PostgreSQL would never archive are skipped; a file whose
    /// segment vanished between the two looks is skipped too.
    static func scan(walDirectory: String) -> [ReadyFile] {
        let status = walDirectory + "/archive_status"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: status)) ?? []
        var files: [ReadyFile] = []
        for entry in entries where entry.hasSuffix(".ready") {
            guard let name = WALFileName(String(entry.dropLast(6))),
                let marker = try? FileManager.default.attributesOfItem(
                    atPath: status + "/" + entry),
                let file = try? FileManager.default.attributesOfItem(
                    atPath: walDirectory + "/" + name.name),
                let size = (file[.size] as? NSNumber)?.intValue
            else { continue }
            let since = marker[.modificationDate] as? Date ?? Date()
            files.append(ReadyFile(name: name, size: size, readySince: since))
        }
        return files.sorted { Self.shippingOrder($0.name, $1.name) }
    }
}
