import ArgumentParser
import Foundation
import WAGateCore

/// `wagate check`: validates the configuration without starting anything.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate character and config files; exit non-zero with every error.")

    @OptionGroup var sources: ConfigurationOptions

    func run() async throws {
        guard !sources.isEmpty else {
            throw ValidationError("nothing to check: pass --character=PATH (repeatable), --characters DIR or --config FILE")
        }
        let environment = ProcessInfo.processInfo.environment
        let configuration = try loadConfiguration(sources, environment: environment)
        let authDirIssues = configuration.checkAuthDirectories()
        guard authDirIssues.isEmpty else { throw ConfigurationError(issues: authDirIssues) }
        for warning in configuration.warnings { print("warning: \(warning.description)") }
        for agent in configuration.agents {
            let accounts = agent.whatsapp?.accounts ?? []
            let connector: String
            switch agent.whatsapp?.status {
            case .active(let enabled)?: connector = "WhatsApp connector active (\(enabled.map(\.id).joined(separator: ", ")))"
            case .inactive(let reason)?: connector = "WhatsApp connector not loading: \(reason)"
            case nil: connector = "no connectors.whatsapp section"
            }
            print("\(agent.slug): \(accounts.count) account(s); \(connector)")
        }
        print("configuration is valid")
    }
}
