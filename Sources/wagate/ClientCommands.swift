import ArgumentParser
import Foundation
import WAGateControl
import WAGateCore

/// Runs one control call and prints its result, as JSON (`--json`) or through `human`.
func callGateway(
    _ options: ClientOptions, method: String, params: JSONValue = [:], human: (JSONValue) -> String
) async throws {
    let result = try await ControlClient.withConnection(socketPath: options.socket) { try await $0.call(method, params: params) }
    print(options.json ? result.jsonString(pretty: true) : human(result))
}

/// `wagate status`: the gateway, its agents and accounts.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the gateway, its agents and accounts.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await callGateway(client, method: "gateway.status") { r in
            var lines = [
                "wagate \(r["version"]?.stringValue ?? "?") (pid \(r["pid"]?.intValue ?? 0)), up \(r["uptime_s"]?.intValue ?? 0)s",
                "database: \(r["database"]?.stringValue ?? "?")",
                "master key: \(r["master_key_id"]?.stringValue ?? "?")",
                "",
                Render.agents(r["agents"]?.arrayValue ?? []),
                "",
                Render.accounts(r["accounts"]?.arrayValue ?? []),
            ]
            if (r["agents"]?.arrayValue ?? []).isEmpty { lines.append("no agents configured") }
            return lines.joined(separator: "\n")
        }
    }
}

/// `wagate agents`: hosted agents.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "List hosted agents.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await callGateway(client, method: "agents.list") { Render.agents($0["agents"]?.arrayValue ?? []) }
    }
}

/// `wagate accounts [list|start|stop]`.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "List accounts, or start or stop one.",
        subcommands: [List.self, Start.self, Stop.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account with its state and the reason for it.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this agent's accounts (slug or name).") var agent: String?

        func run() async throws {
            let params: JSONValue = agent.map { ["agent": .string($0)] } ?? [:]
            try await callGateway(client, method: "accounts.list", params: params) { Render.accounts($0["accounts"]?.arrayValue ?? []) }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an account (AGENT/ACCOUNT).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "AGENT/ACCOUNT, e.g. milady-whatsapp-test/default") var account: String

        func run() async throws {
            try await callGateway(client, method: "accounts.start", params: ["account": .string(account)]) { _ in
                "start queued for \(account)"
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an account (AGENT/ACCOUNT).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "AGENT/ACCOUNT") var account: String

        func run() async throws {
            try await callGateway(client, method: "accounts.stop", params: ["account": .string(account)]) { _ in
                "stop queued for \(account)"
            }
        }
    }
}

/// `wagate cluster`: the gateway processes sharing the database.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "List the gateway processes sharing the database, with the accounts each holds.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await callGateway(client, method: "cluster.members") { r in
            var t = Table("MEMBER", "ADDRESS", "CAPACITY", "ACCOUNTS", "HEARTBEAT AGE")
            for m in r["members"]?.arrayValue ?? [] {
                let name = (m["member"]?.stringValue ?? "") + (m["self"]?.boolValue == true ? " (this)" : "")
                t.add(
                    name, m["address"]?.stringValue ?? "", String(m["capacity"]?.intValue ?? 0), String(m["accounts"]?.intValue ?? 0),
                    String(format: "%.1fs", m["heartbeat_age_s"]?.doubleValue ?? 0))
            }
            return t.render()
        }
    }
}

/// `wagate ctl METHOD [JSON]`: any control method.
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl", abstract: "Call a control-API method with a JSON params object; prints the JSON result.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "The method, e.g. accounts.get") var method: String
    @Argument(help: "Params as a JSON object, e.g. '{\"account\":\"bot/default\"}'") var params: String?

    func run() async throws {
        var parsed: JSONValue = [:]
        if let params {
            guard let value = try? JSONValue.parse(params), value.objectValue != nil else {
                throw ValidationError("params must be a JSON object, e.g. '{\"account\":\"bot/default\"}'")
            }
            parsed = value
        }
        let result = try await ControlClient.withConnection(socketPath: client.socket) { try await $0.call(method, params: parsed) }
        print(result.jsonString(pretty: !client.json))
    }
}

/// Tables for the human output.
enum Render {
    static func agents(_ agents: [JSONValue]) -> String {
        var t = Table("AGENT", "NAME", "PROVIDER", "ACCOUNTS", "WHATSAPP")
        for a in agents {
            let whatsapp = a["whatsapp"]
            let connector = whatsapp?["active"]?.boolValue == true ? "active" : "not loading: \(whatsapp?["reason"]?.stringValue ?? "")"
            t.add(
                a["slug"]?.stringValue ?? "", a["name"]?.stringValue ?? "", a["model_provider"]?.stringValue ?? "-",
                String(a["accounts"]?.arrayValue?.count ?? 0), connector)
        }
        return t.render()
    }

    static func accounts(_ accounts: [JSONValue]) -> String {
        var t = Table("ACCOUNT", "KIND", "ENABLED", "STATE", "LINKED", "SINCE", "REASON")
        for a in accounts {
            t.add(
                a["id"]?.stringValue ?? "", a["kind"]?.stringValue ?? "", a["enabled"]?.boolValue == true ? "yes" : "no",
                a["state"]?.stringValue ?? "", a["linked"]?.boolValue == true ? "yes" : "no", a["since"]?.stringValue ?? "",
                a["reason"]?.stringValue ?? "")
        }
        return accounts.isEmpty ? "no accounts" : t.render()
    }
}
