import Foundation
import Logging
import WAGateStore

/// The PostgreSQL the gateway uses: the server at `DATABASE_URL`, or a private cluster under the state
/// directory, started here and stopped in `close()`.
struct Database {
    let pool: PGPool
    let embedded: EmbeddedPostgres?
    /// Where the data lives, for logs and `gateway.status` (no password).
    let location: String

    static func open(stateDirectory: String, environment: [String: String], logger: Logger, poolSize: Int = 4) async throws
        -> Database
    {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            let pool = try await PGPool.connect(url, configuration: .init(size: poolSize), logger: logger)
            return Database(pool: pool, embedded: nil, location: "external (DATABASE_URL)")
        }
        let directory = URL(fileURLWithPath: stateDirectory).appendingPathComponent("postgres")
        let embedded = EmbeddedPostgres(directory: directory, logger: logger)
        let connectionString = try await embedded.start()
        do {
            let pool = try await PGPool.connect(connectionString, configuration: .init(size: poolSize), logger: logger)
            return Database(pool: pool, embedded: embedded, location: "embedded (\(directory.path))")
        } catch {
            await embedded.stop()
            throw error
        }
    }

    /// Closes the pool and stops the embedded cluster.
    /// - Parameter keepAdoptedServer: leave the cluster running when this process found it already
    ///   running (a serving gateway's); short-lived commands pass `true`.
    func close(keepAdoptedServer: Bool = false) async {
        await pool.close()
        guard let embedded else { return }
        if keepAdoptedServer, await embedded.adoptedRunningServer { return }
        await embedded.stop()
    }
}
