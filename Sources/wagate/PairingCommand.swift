import ArgumentParser
import Foundation
import WAGateControl
import WAGateCore

/// `wagate pairing list|approve|reject`: unknown senders waiting for approval (`dmPolicy: "pairing"`).
struct PairingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairing", abstract: "Approve or reject unknown senders who asked to talk to an agent (dmPolicy \"pairing\").",
        subcommands: [List.self, Approve.self, Reject.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pending pairing requests, oldest first.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String

        func run() async throws {
            try await callGateway(client, method: "pairing.list", params: ["account": .string(account)]) { result in
                let requests = result["requests"]?.arrayValue ?? []
                guard !requests.isEmpty else { return "No pending pairing requests for \(account)." }
                var table = Table("CODE", "SENDER", "NAME", "REQUESTED", "EXPIRES")
                for r in requests {
                    table.add(
                        r["code"]?.stringValue ?? "", r["sender"]?.stringValue ?? "", r["meta"]?["name"]?.stringValue ?? "",
                        r["requested_at"]?.stringValue ?? "", r["expires_at"]?.stringValue ?? "")
                }
                return table.render()
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a sender by the code they were sent.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
        @Argument(help: "The 8-character pairing code (any case)") var code: String

        func run() async throws {
            try await callGateway(client, method: "pairing.approve", params: ["account": .string(account), "code": .string(code)]) {
                "Approved whatsapp sender \($0["approved"]?.stringValue ?? "?")."
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a pending request; the sender may ask again later.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
        @Argument(help: "The 8-character pairing code (any case)") var code: String

        func run() async throws {
            try await callGateway(client, method: "pairing.reject", params: ["account": .string(account), "code": .string(code)]) {
                "Rejected whatsapp sender \($0["rejected"]?.stringValue ?? "?")."
            }
        }
    }
}
