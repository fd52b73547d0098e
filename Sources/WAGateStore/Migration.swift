import Foundation

/// One schema migration: the file `sql/NNN_name.sql`, applied once, in version order, by `Migrator`.
public struct Migration: Sendable, Hashable {
    /// The number before the underscore (`1` for `001_init.sql`).
    public var version: Int
    /// The part between the underscore and `.sql` (`init`).
    public var name: String
    /// The file's statements, run as one script inside the migration's transaction.
    public var sql: String

    /// - Parameters:
    ///   - version: a positive number, unique among the migrations.
    ///   - name: a short name for logs and `schema_migrations.name`.
    ///   - sql: one or more statements separated by `;`.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// `001_init`: the file name without `.sql`.
    public var fileStem: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "_" + name
    }

    /// Reads every `NNN_name.sql` file of a directory (other files are ignored), sorted by version.
    ///
    /// The gateway normally uses `Migration.bundled`, which is compiled from the repository's `sql/`
    /// directory; this is for tests and for running a directory of migrations by hand.
    /// - Throws: `StoreError` (`migrationFailed`) when the directory cannot be read, or two files share a version.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw StoreError(.migrationFailed, "cannot list migrations in \(directory.path): \(error)")
        }
        var migrations: [Migration] = []
        for fileName in names {
            guard let (version, name) = parseFileName(fileName) else { continue }
            let url = directory.appendingPathComponent(fileName)
            let sql: String
            do {
                sql = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw StoreError(.migrationFailed, "cannot read migration \(url.path): \(error)")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        return try sortedAndChecked(migrations)
    }

    /// Parses `NNN_name.sql` (at least three digits, then a name of letters, digits and `_`).
    static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard digits.count >= 3, digits.allSatisfy(\.isASCII), let version = Int(digits), version > 0,
            !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        return (version, String(name))
    }

    /// Sorts by version and rejects duplicate or non-positive versions.
    static func sortedAndChecked(_ migrations: [Migration]) throws -> [Migration] {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw StoreError(
                .migrationFailed, "migrations \(previous.fileStem) and \(next.fileStem) share version \(next.version)")
        }
        if let first = sorted.first, first.version <= 0 {
            throw StoreError(.migrationFailed, "migration \(first.fileStem) has a version below 1")
        }
        return sorted
    }
}
