import Foundation

/// The total size of the files under a folder whose names pass a filter.
enum FolderSize {
    static func of(_ folder: String, where include: (String) -> Bool) -> Int {
        let walker = FileManager.default.enumerator(atPath: folder)
        var total = 0
        while let relative = walker?.nextObject() as? String {
            let name = URL(fileURLWithPath: relative).lastPathComponent
            guard include(name),
                let attributes = try? FileManager.default.attributesOfItem(
                    atPath: folder + "/" + relative),
                let size = attributes[.size] as? Int
            else { continue }
            total += size
        }
        return total
    }
}
