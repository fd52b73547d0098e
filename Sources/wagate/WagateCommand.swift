import ArgumentParser

/// `wagate`: the gateway and its operator CLI.
@main
struct WagateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wagate",
        abstract: "A WhatsApp gateway for AI agents.",
        version: GatewayVersion.string,
        subcommands: [
            StartCommand.self, CheckCommand.self, MigrateCommand.self, KeysCommand.self,
            StatusCommand.self, AgentsCommand.self, AccountsCommand.self, QRCommand.self, LinkCommand.self, SendCommand.self, HistoryCommand.self, LimitsCommand.self, MediaCommand.self, PairingCommand.self, ClusterCommand.self, CtlCommand.self, SandboxCommand.self,
        ])
}

/// The version the binary reports (`wagate --version`, `rpc.info`).
enum GatewayVersion {
    static let string = "0.1.0"
}
