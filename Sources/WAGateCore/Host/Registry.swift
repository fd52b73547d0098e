import Logging
import ServiceLifecycle

/// Owns every agent and account of the process and runs each account's loop.
///
/// `run()` (a `Service`) starts one loop per account in a discarding task group, starts the enabled
/// accounts, and on graceful shutdown stops them all and waits for their loops to end, so each
/// account's last state ("stopped: gateway shutting down") is written before the process exits.
public actor Registry: Service {
    private let agentsBySlug: [String: Agent]
    private let agentOrder: [String]
    private let accountsByID: [AccountID: Account]
    private let logger: Logger
    /// Whether `run()` starts the enabled accounts itself; `false` when a ``LeaseManager`` starts the
    /// ones this process holds.
    private let autoStart: Bool

    /// Builds agents and accounts from the configuration. Nothing runs until `run()`.
    public init(
        agents: [AgentDefinition], opener: any AccountSessionOpener, links: AccountLinkFactory,
        observer: any AccountObserver, logger: Logger, messaging: AccountMessagingFactory = .none, autoStart: Bool = true
    ) {
        self.autoStart = autoStart
        var bySlug: [String: Agent] = [:]
        var accounts: [AccountID: Account] = [:]
        for definition in agents {
            bySlug[definition.slug] = Agent(definition: definition)
            for account in definition.whatsapp?.accounts ?? [] {
                let a = Account(
                    agent: definition.slug, definition: account, opener: opener, links: links, observer: observer,
                    logger: logger, messaging: messaging)
                accounts[a.id] = a
            }
        }
        self.agentsBySlug = bySlug
        self.agentOrder = agents.map(\.slug)
        self.accountsByID = accounts
        self.logger = logger
    }

    /// Every agent, in configuration order.
    public nonisolated var agents: [Agent] { agentOrder.compactMap { agentsBySlug[$0] } }

    /// Every account, sorted by address.
    public nonisolated var accounts: [Account] { accountsByID.keys.sorted().compactMap { accountsByID[$0] } }

    /// The agent addressed by slug or character name.
    public nonisolated func agent(named name: String) -> Agent? {
        if let a = agentsBySlug[name] { return a }
        return agents.first { $0.matches(name) }
    }

    /// The account at `AGENT/ACCOUNT`, where AGENT is a slug or a character name.
    public nonisolated func account(_ address: String) -> Account? {
        guard let parsed = AccountID(parsing: address) else { return nil }
        if let a = accountsByID[parsed] { return a }
        guard let agent = agent(named: parsed.agent) else { return nil }
        return accountsByID[AccountID(agent: agent.slug, account: parsed.account)]
    }

    /// The Cloud API accounts by their business phone number id (`metadata.phone_number_id` of a webhook).
    public nonisolated var cloudAccountsByPhoneNumberID: [String: Account] {
        var result: [String: Account] = [:]
        for account in accountsByID.values {
            if let cloud = account.definition.cloud { result[cloud.phoneNumberId] = account }
        }
        return result
    }

    public nonisolated func run() async throws {
        let accounts = self.accounts
        logger.info("registry starting", metadata: ["agents": "\(agentOrder.count)", "accounts": "\(accounts.count)"])
        await withDiscardingTaskGroup { group in
            for account in accounts {
                group.addTask(name: "account-\(account.id)") { await account.run() }
            }
            for account in accounts where autoStart && account.definition.enabled {
                _ = account.submit(.start)
            }
            // Park until the service group asks us to stop (or the task is cancelled).
            try? await gracefulShutdown()
            // Finishing the mailbox ends each loop after what is queued; a loop that ends while its
            // account is active records "stopped: gateway shutting down". Accounts resting in `failed` or
            // `logged_out` keep that state and its reason, which is what the next start should show.
            for account in accounts { account.finish() }
        }
        logger.info("registry stopped", metadata: ["accounts": "\(accounts.count)"])
    }
}
