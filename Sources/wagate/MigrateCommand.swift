import ArgumentParser
import Foundation
import WAGateStore

/// `wagate migrate`: applies the SQL migrations and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the database migrations (DATABASE_URL, or the embedded cluster) and exit.")

    @OptionGroup var state: StateOptions

    func run() async throws {
        bootstrapLogging()
        let logger = state.makeLogger()
        let stateDirectory = state.absoluteStateDirectory
        try StateDirectory.prepare(stateDirectory)
        let database = try await Database.open(
            stateDirectory: stateDirectory, environment: ProcessInfo.processInfo.environment, logger: logger, poolSize: 1)
        do {
            let applied = try await Migrator(pool: database.pool, logger: logger).migrate()
            print(applied.isEmpty ? "database is up to date" : applied.map { "applied \($0.fileStem)" }.joined(separator: "\n"))
        } catch {
            await database.close(keepAdoptedServer: true)
            throw error
        }
        await database.close(keepAdoptedServer: true)
    }
}
