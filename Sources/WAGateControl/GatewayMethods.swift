import Foundation
import WAGateCore
import WAQRCode

/// Facts about the running gateway that `gateway.status` reports.
public struct GatewayInfo: Sendable {
    /// The binary's version.
    public var version: String
    /// When the process started serving.
    public var startedAt: Date
    /// Where the database is (no credentials).
    public var database: String
    /// The state directory.
    public var stateDirectory: String
    /// Fingerprint of the current master key.
    public var masterKeyID: String

    /// Creates the facts.
    public init(version: String, startedAt: Date, database: String, stateDirectory: String, masterKeyID: String) {
        self.version = version
        self.startedAt = startedAt
        self.database = database
        self.stateDirectory = stateDirectory
        self.masterKeyID = masterKeyID
    }
}

/// The gateway's own control methods: status, agents and accounts.
///
/// Agents are addressed by slug or character name, accounts as `AGENT/ACCOUNT`.
public struct GatewayMethods: Sendable {
    private let registry: Registry
    private let info: GatewayInfo
    private let ownership: (any AccountOwnership)?

    /// Creates the methods over a registry.
    /// - Parameter ownership: who runs the accounts this process does not (cluster); calls that act on
    ///   such an account are refused with the owner's name.
    public init(registry: Registry, info: GatewayInfo, ownership: (any AccountOwnership)? = nil) {
        self.registry = registry
        self.info = info
        self.ownership = ownership
    }

    /// Registers every method in `methods`.
    public func register(in methods: inout ControlMethods) {
        let registry = self.registry
        let info = self.info
        let ownership = self.ownership

        methods.register("gateway.status", description: "The gateway, its agents and accounts.") { _, params in
            try params.rejectUnknownParams(allowed: [])
            let accounts = await Self.snapshots(registry.accounts)
            var byState: [String: JSONValue] = [:]
            for s in accounts { byState[s.state.rawValue] = .int((byState[s.state.rawValue]?.intValue ?? 0) + 1) }
            return [
                "version": .string(info.version),
                "pid": .int(Int64(ProcessInfo.processInfo.processIdentifier)),
                "started_at": .string(ISO8601DateFormatter().string(from: info.startedAt)),
                "uptime_s": .int(Int64(Date().timeIntervalSince(info.startedAt))),
                "database": .string(info.database),
                "state_dir": .string(info.stateDirectory),
                "master_key_id": .string(info.masterKeyID),
                "agents": .array(registry.agents.map { Self.agentJSON($0, accounts: accounts) }),
                "accounts": .array(accounts.map(\.json)),
                "accounts_by_state": .object(byState),
            ]
        }

        methods.register("agents.list", description: "Hosted agents.") { _, params in
            try params.rejectUnknownParams(allowed: [])
            let accounts = await Self.snapshots(registry.accounts)
            return ["agents": .array(registry.agents.map { Self.agentJSON($0, accounts: accounts) })]
        }

        methods.register("agents.get", description: "One agent, by slug or character name: {agent}.") { _, params in
            try params.rejectUnknownParams(allowed: ["agent"])
            let name = try params.requireString("agent")
            guard let agent = registry.agent(named: name) else { throw Self.agentNotFound(name, registry) }
            let accounts = await Self.snapshots(registry.accounts.filter { $0.id.agent == agent.slug })
            var json = Self.agentJSON(agent, accounts: accounts)
            if case .object(var o) = json {
                o["bio"] = .array(agent.definition.bio.map(JSONValue.string))
                o["configuration"] = agent.definition.whatsapp?.redacted() ?? .null
                json = .object(o)
            }
            return ["agent": json]
        }

        methods.register("accounts.list", description: "Every account with its state and the reason for it.") { _, params in
            try params.rejectUnknownParams(allowed: ["agent"])
            var accounts = registry.accounts
            if let name = try params.optionalString("agent") {
                guard let agent = registry.agent(named: name) else { throw Self.agentNotFound(name, registry) }
                accounts = accounts.filter { $0.id.agent == agent.slug }
            }
            return ["accounts": .array(await Self.snapshots(accounts).map(\.json))]
        }

        methods.register("accounts.get", description: "One account: {account: \"AGENT/ACCOUNT\"}.") { _, params in
            try params.rejectUnknownParams(allowed: ["account"])
            let account = try Self.account(params, registry)
            var json = await account.snapshot().json
            if case .object(var o) = json {
                o["configuration"] = account.definition.redacted()
                json = .object(o)
            }
            return ["account": json]
        }

        methods.register("accounts.start", description: "Start an account: {account}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["account"])
            let account = try Self.account(params, registry)
            try await Self.ensureLocal(account, ownership)
            try Self.submit(.start, to: account)
            return ["account": await account.snapshot().json, "queued": true]
        }

        methods.register("accounts.stop", description: "Stop an account: {account, reason?}.", mutating: true) { context, params in
            try params.rejectUnknownParams(allowed: ["account", "reason"])
            let account = try Self.account(params, registry)
            try await Self.ensureLocal(account, ownership)
            let reason = try params.optionalString("reason") ?? "stopped by operator (uid \(context.peer.uid))"
            try Self.submit(.stop(reason: reason), to: account)
            return ["account": await account.snapshot().json, "queued": true]
        }

        methods.register(
            "accounts.qr",
            description: "The QR code to scan while an account waits to be linked: {account, png?}; text, expiry and, with png, PNG bytes in base64."
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "png"])
            let account = try Self.account(params, registry)
            try await Self.ensureLocal(account, ownership)
            let wantsPNG = try params.optionalBool("png") ?? false
            guard let qr = await account.currentQR() else {
                let status = await account.snapshot()
                let message = status.state == .awaitingQR
                    ? "\(account.id) is fetching new QR codes from WhatsApp; retry in a few seconds"
                    : "\(account.id) is not waiting for a QR scan (state \(status.state.rawValue)\(status.reason.map { ": \($0)" } ?? ""))"
                throw ControlError(
                    code: 103,
                    message: message,
                    kind: "gw.NotAwaitingScan",
                    data: ["account": .string(account.id.description), "state": .string(status.state.rawValue)])
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var result: [String: JSONValue] = [
                "account": .string(account.id.description),
                "text": .string(qr.text),
                "shown_at": .string(formatter.string(from: qr.shownAt)),
                "expires_at": .string(formatter.string(from: qr.expiresAt)),
                "expires_in_s": .int(Int64(max(0, qr.expiresAt.timeIntervalSinceNow.rounded()))),
            ]
            if wantsPNG {
                do {
                    result["png_base64"] = .string(Data(try QRCode(qr.text).pngBytes()).base64EncodedString())
                } catch {
                    throw ControlError.internalError("cannot render the QR code: \(error)")
                }
            }
            return .object(result)
        }

        methods.register(
            "accounts.link",
            description: "Link by phone number instead of a QR scan: {account, phone: \"+15550001111\"}; returns the code to type on the phone.",
            mutating: true
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "phone"])
            let account = try Self.account(params, registry)
            try await Self.ensureLocal(account, ownership)
            let phone = try params.requireString("phone")
            do {
                let code = try await account.requestPairingCode(phoneNumber: phone)
                return ["account": .string(account.id.description), "code": .string(code)]
            } catch let error as AccountLinkError {
                throw ControlError(
                    code: 104, message: error.description, kind: "gw.LinkRefused", data: ["account": .string(account.id.description)])
            }
        }
    }

    // MARK: - Helpers

    static func snapshots(_ accounts: [Account]) async -> [AccountStatus] {
        var out: [AccountStatus] = []
        for a in accounts { out.append(await a.snapshot()) }
        return out
    }

    static func agentJSON(_ agent: Agent, accounts: [AccountStatus]) -> JSONValue {
        let mine = accounts.filter { $0.id.agent == agent.slug }
        let connector: JSONValue
        switch agent.definition.whatsapp?.status {
        case .active?: connector = ["active": true]
        case .inactive(let reason)?: connector = ["active": false, "reason": .string(reason)]
        case nil: connector = ["active": false, "reason": "the character has no connectors.whatsapp section"]
        }
        return [
            "name": .string(agent.definition.name),
            "slug": .string(agent.slug),
            "description": agent.definition.description.map(JSONValue.string) ?? .null,
            "model_provider": agent.definition.modelProvider.map(JSONValue.string) ?? .null,
            "source": .string(agent.definition.sourceFile),
            "whatsapp": connector,
            "accounts": .array(mine.map { .string($0.id.description) }),
        ]
    }

    static func account(_ params: JSONValue, _ registry: Registry) throws -> Account {
        let address = try params.requireString("account")
        guard AccountID(parsing: address) != nil else {
            throw ControlError(
                code: ControlError.Code.invalidParams, message: "account must be written AGENT/ACCOUNT, e.g. my-agent/default",
                kind: "gw.InvalidParams", data: ["field": "account", "value": .string(address)])
        }
        guard let account = registry.account(address) else {
            throw ControlError(
                code: 101, message: "no account \(address)", kind: "gw.AccountNotFound",
                data: ["account": .string(address), "known": .array(registry.accounts.map { .string($0.id.description) })])
        }
        return account
    }

    /// Refuses a call about an account another gateway process runs, naming that process.
    static func ensureLocal(_ account: Account, _ ownership: (any AccountOwnership)?) async throws(ControlError) {
        guard let ownership, let owner = await ownership.owner(of: account.id) else { return }
        throw ControlError(
            code: 106,
            message: "\(account.id) is run by another gateway process, \(owner.member)"
                + (owner.address.isEmpty ? "" : " (control socket \(owner.address))") + "; send this request there",
            kind: "gw.NotOwner",
            data: ["account": .string(account.id.description), "owner": .string(owner.member), "address": .string(owner.address)])
    }

    static func agentNotFound(_ name: String, _ registry: Registry) -> ControlError {
        ControlError(
            code: 102, message: "no agent \(name)", kind: "gw.AgentNotFound",
            data: ["agent": .string(name), "known": .array(registry.agents.map { .string($0.slug) })])
    }

    static func submit(_ command: Account.Command, to account: Account) throws {
        switch account.submit(command) {
        case .enqueued: return
        case .busy:
            throw ControlError(
                code: ControlError.Code.busy, message: "the account's mailbox is full; retry shortly", kind: "gw.Busy",
                data: ["account": .string(account.id.description)])
        case .stopped:
            throw ControlError(
                code: ControlError.Code.shuttingDown, message: "the gateway is shutting down", kind: "gw.ShuttingDown")
        }
    }
}
