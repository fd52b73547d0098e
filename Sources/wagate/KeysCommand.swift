import ArgumentParser
import Foundation
import WAGateCore
import WAGateStore

/// `wagate keys ...`: master-key operations.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Master key operations.", subcommands: [Rotate.self])

    /// `wagate keys rotate`: re-wraps every account's data key under a new master key.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every account's data key under a new master key (running gateways keep running).")

        @OptionGroup var state: StateOptions

        @Option(help: "File holding the new master key in base64 (required when WAGATE_MASTER_KEY is set).")
        var newKeyFile: String?

        func run() async throws {
            bootstrapLogging()
            let logger = state.makeLogger()
            let environment = ProcessInfo.processInfo.environment
            let stateDirectory = state.absoluteStateDirectory
            let source = MasterKeySource(stateDirectory: stateDirectory, environment: environment)
            let database = try await Database.open(stateDirectory: stateDirectory, environment: environment, logger: logger, poolSize: 1)
            let report: KeyRotation.Report
            do {
                _ = try await Migrator(pool: database.pool, logger: logger).migrate()
                report = try await KeyRotation(source: source, repository: DataKeyRepository(pool: database.pool), logger: logger)
                    .rotate(newKeyFile: newKeyFile)
            } catch {
                await database.close(keepAdoptedServer: true)
                throw error
            }
            await database.close(keepAdoptedServer: true)
            print("master key rotated: \(report.oldKEK) -> \(report.newKEK); \(report.rewrapped) data key(s) re-wrapped")
            if let instructions = report.instructions { print(instructions) }
        }
    }
}
