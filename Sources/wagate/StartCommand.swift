import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WAGateCloud
import WAGateControl
import WAGateConversation
import WAGateCore
import WAGateCrypto
import WAGateHTTP
import WAGateLink
import WAGateProviders
import WAGateStore
import WAWeb

/// `wagate start`: runs the gateway in the foreground until SIGTERM or SIGINT.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Run the gateway in the foreground (Ctrl-C stops it cleanly).")

    @OptionGroup var sources: ConfigurationOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var web: WebLinkOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var http: HTTPOptions

    @Option(help: "The control socket (default: <state-dir>/control.sock).")
    var socket: String?

    func run() async throws {
        bootstrapLogging()
        let logger = state.makeLogger()
        let environment = ProcessInfo.processInfo.environment
        guard !sources.isEmpty else {
            throw ValidationError("no agents: pass --character=PATH (repeatable), --characters DIR or --config FILE")
        }
        let configuration = try loadConfiguration(sources, environment: environment)
        let webLink = try web.configuration(environment: environment)
        let httpConfiguration = try http.configuration(environment: environment)
        for warning in configuration.warnings { logger.warning("\(warning.description)") }
        reportConnectors(configuration, logger: logger)
        let authDirIssues = configuration.checkAuthDirectories()
        guard authDirIssues.isEmpty else { throw ConfigurationError(issues: authDirIssues) }

        let stateDirectory = state.absoluteStateDirectory
        try StateDirectory.prepare(stateDirectory)
        let keySource = MasterKeySource(stateDirectory: stateDirectory, environment: environment)
        let ring = try keySource.load(createIfMissing: true, logger: logger)

        let socketPath = socket ?? (stateDirectory as NSString).appendingPathComponent("control.sock")
        // Checked before the database is opened: a second gateway on the same state directory would
        // otherwise adopt, and on its way out stop, the embedded PostgreSQL the first one is using.
        if (try? await ControlClient.withConnection(socketPath: socketPath, { _ in true })) == true {
            throw StateDirectoryError(
                message: "another gateway is running on \(socketPath); stop it first, or use another --state-dir or --socket")
        }
        let database = try await Database.open(stateDirectory: stateDirectory, environment: environment, logger: logger)
        do {
            try await runGateway(
                configuration: configuration, webLink: webLink, httpConfiguration: httpConfiguration, database: database, ring: ring, stateDirectory: stateDirectory,
                socketPath: socketPath, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        logger.info("wagate stopped")
    }

    private func runGateway(
        configuration: GatewayConfiguration, webLink: WebLinkConfiguration, httpConfiguration: GatewayHTTPServerConfiguration,
        database: Database, ring: KeyRing, stateDirectory: String, socketPath: String,
        logger: Logger
    ) async throws {
        let pool = database.pool
        let applied = try await Migrator(pool: pool, logger: logger).migrate()
        logger.info("database ready", metadata: ["database": "\(database.location)", "migrations_applied": "\(applied.count)"])

        let dataKeys = DataKeyRepository(pool: pool)
        // Refuse to start, before touching any account, when this process cannot read the stored keys.
        try MasterKeySource.verify(ring: ring, canUnwrap: try await dataKeys.kekIDs())

        let agentsRepository = AgentRepository(pool: pool)
        let accountsRepository = AccountRepository(pool: pool)
        try await Definitions.store(configuration, agents: agentsRepository, accounts: accountsRepository)

        let events = EventBus()
        let keySource = MasterKeySource(stateDirectory: stateDirectory, environment: ProcessInfo.processInfo.environment)
        let keys = AccountKeys(
            ring: ring, reloadRing: { [logger] in try keySource.load(createIfMissing: false, logger: logger) }, repository: dataKeys,
            logger: logger)
        let credentials = SealedCredentials(keys: keys, repository: CredentialRepository(pool: pool))
        // One HTTP client for the process (model providers, Graph API), shut down after the services.
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let providers = ModelProviderRegistry(httpClient: httpClient, logger: logger)
        let metrics = GatewayMetrics()
        let messaging = Self.messagingFactory(
            agents: configuration.agents, store: MessageStore(pool: pool, keys: keys), pairing: PairingRepository(pool: pool),
            providers: providers, events: events, observer: MetricsObserver(metrics: metrics, events: events), logger: logger)
        let registry = Registry(
            agents: configuration.agents,
            opener: StoreSessionOpener(credentials: credentials, keys: keys, logger: logger),
            links: CloudAccountLink.factory(
                httpClient: httpClient, logger: logger,
                fallback: WebAccountLink.factory(
                    credentials: credentials, configuration: webLink, logger: logger,
                    presentQR: Self.qrPresenter(terminal: TerminalQRDisplay(), events: events),
                    messaging: .init(keys: keys, signalState: SignalStateRepository(pool: pool)))),
            observer: GatewayObserver(accounts: accountsRepository, events: events, logger: logger),
            logger: logger, messaging: messaging, autoStart: false)

        let gatewayInfo = GatewayInfo(
            version: GatewayVersion.string, startedAt: Date(), database: database.location, stateDirectory: stateDirectory,
            masterKeyID: ring.current.id)
        let leases = LeaseRepository(pool: pool)
        let leaseConfiguration = try cluster.configuration(
            environment: ProcessInfo.processInfo.environment, accounts: registry.accounts.count)
        let membership = ClusterMembership(
            leases: leases, address: socketPath, capacity: leaseConfiguration.capacity,
            interval: min(.seconds(5), leaseConfiguration.interval), logger: logger)
        let leaseManager = LeaseManager(
            registry: registry, leases: leases, memberID: membership.memberID, configuration: leaseConfiguration, logger: logger)
        var methods = ControlMethods()
        GatewayMethods(registry: registry, info: gatewayInfo, ownership: leaseManager).register(in: &methods)
        MessagingMethods(registry: registry, ownership: leaseManager).register(in: &methods)
        PairingMethods(registry: registry, pairing: PairingRepository(pool: pool)).register(in: &methods)
        ClusterMethods(leases: leases, memberID: membership.memberID).register(in: &methods)
        let audit = AuditLogRepository(pool: pool)
        let control = ControlServer(
            configuration: .init(socketPath: socketPath, serverVersion: GatewayVersion.string), methods: methods, eventBus: events,
            audit: { context, method, params, outcome in
                await audit.record(context: context, method: method, params: params, outcome: outcome, logger: logger)
            },
            logger: logger)

        let httpServer = GatewayHTTPServer(
            configuration: httpConfiguration, credentials: { RegistryWebhookSink.credentials(of: registry) },
            sink: RegistryWebhookSink(registry: registry, ownership: leaseManager, logger: logger),
            readiness: { await Self.readiness(registry: registry, leases: leaseManager) }, metrics: metrics, logger: logger)

        // Announced from inside the group: by then SIGTERM and SIGINT are handled, so a supervisor (or a
        // test) that signals the process as soon as it reads the line gets a clean shutdown.
        let announcer = StartedAnnouncer(
            logger: logger, socketPath: socketPath,
            metadata: [
                "agents": "\(configuration.agents.count)", "socket": "\(socketPath)", "master_key": "\(ring.current.id)",
                "pid": "\(ProcessInfo.processInfo.processIdentifier)", "whatsapp_web": "\(webLink.webSocket.url)",
                "http": "\(httpConfiguration.host):\(httpConfiguration.port)",
            ])

        // Services shut down in reverse order: the control socket closes first, then the accounts stop,
        // then their leases are released (so a successor claims them at once), then the member leaves.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: membership), .init(service: leaseManager), .init(service: registry),
                    .init(
                        service: MetricsGaugeReporter(
                            registry: registry, metrics: metrics, logger: logger, events: events,
                            outboxBound: Int(ProcessInfo.processInfo.environment["WAGATE_OUTBOX_BOUND"] ?? "").map { max(1, $0) } ?? 1000)),
                    .init(service: httpServer),
                    .init(service: control), .init(service: announcer),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try? await httpClient.shutdown()
    }
}

/// Logs `wagate started` once the service group runs, then waits for shutdown.
struct StartedAnnouncer: Service {
    let logger: Logger
    let socketPath: String
    let metadata: Logger.Metadata

    func run() async throws {
        // The services start together; the line promises a control socket that answers.
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: socketPath) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.info("wagate started", metadata: metadata)
        try? await gracefulShutdown()
    }
}

extension StartCommand {
    /// Each account's message path: its conversation with the agent's model provider.
    static func messagingFactory(
        agents: [AgentDefinition], store: MessageStore, pairing: PairingRepository, providers: ModelProviderRegistry, events: EventBus,
        observer: any MessagingObserver, logger: Logger
    ) -> AccountMessagingFactory {
        var bySlug: [String: (agent: AgentDefinition, replier: any AgentReplier)] = [:]
        for agent in agents {
            let replier = replier(for: agent, providers: providers, events: events)
            if let unavailable = replier as? UnavailableReplier {
                logger.warning("the agent cannot answer: \(unavailable.reason)", metadata: ["agent": "\(agent.slug)"])
            }
            bySlug[agent.slug] = (agent, replier)
        }
        let entries = bySlug
        return AccountMessagingFactory { id, definition in
            guard let entry = entries[id.agent] else { return nil }
            return AccountConversation(
                account: id, definition: definition, agent: entry.agent, store: store, replier: entry.replier, pairing: pairing,
                observer: observer, logger: logger)
        }
    }

    /// The replier for the character's `modelProvider`; one that explains itself when the provider
    /// cannot run (unknown name, missing key), so the gateway still stores what arrives.
    static func replier(for agent: AgentDefinition, providers: ModelProviderRegistry, events: EventBus) -> any AgentReplier {
        do {
            // The registry has no replier of its own for `external`: the operator's program answers.
            return try providers.replier(for: agent) ?? ExternalReplier(events: events)
        } catch {
            return UnavailableReplier(reason: "\(error)")
        }
    }

    /// Ready when every enabled account this process runs is connected or waiting for a scan.
    static func readiness(registry: Registry, leases: LeaseManager) async -> Readiness {
        let held = Set(await leases.heldAccounts)
        var waiting: [String] = []
        for account in registry.accounts where held.contains(account.id.description) {
            let state = await account.snapshot().state
            if state == .starting || state == .connecting { waiting.append("\(account.id) is \(state.rawValue)") }
        }
        return waiting.isEmpty ? .ready : .notReady(reason: waiting.joined(separator: "; "))
    }

    /// Each QR code goes to the terminal and, as an `account.qr` event, to control clients that
    /// subscribed (a UI can show it without polling `accounts.qr`); `null` data means none is on offer.
    static func qrPresenter(terminal: TerminalQRDisplay, events: EventBus) -> WebAccountLink.QRPresenter {
        { account, qr in
            terminal.present(account, qr)
            let data: JSONValue =
                qr.map { ["text": .string($0.text), "expires_at": .string(ISO8601DateFormatter().string(from: $0.expiresAt))] } ?? .null
            _ = events.publish(kind: "account.qr", agent: account.agent, account: account.description, data: data)
        }
    }
}

/// Loads the agents, turning every configuration error into one message that lists them all.
func loadConfiguration(_ options: ConfigurationOptions, environment: [String: String]) throws -> GatewayConfiguration {
    var sources: [ConfigurationLoader.Source] = []
    if let config = options.configFile { sources.append(.miladyConfig(path: config)) }
    for file in options.characterFiles { sources.append(.character(path: file)) }
    if let directory = options.characterDirectory { sources.append(.characterDirectory(directory)) }
    return try ConfigurationLoader(sources: sources, environment: environment, homeDirectory: environment["HOME"]).load()
}

/// Logs, per agent, whether its WhatsApp connector loads, and exactly why not.
func reportConnectors(_ configuration: GatewayConfiguration, logger: Logger) {
    for agent in configuration.agents {
        guard let whatsapp = agent.whatsapp else {
            logger.notice(
                "[WhatsApp] connector not loading: the character has no connectors.whatsapp section",
                metadata: ["agent": "\(agent.slug)"])
            continue
        }
        switch whatsapp.status {
        case .active(let accounts):
            logger.info(
                "[WhatsApp] connector active", metadata: ["agent": "\(agent.slug)", "accounts": "\(accounts.map(\.id).joined(separator: ","))"])
        case .inactive(let reason):
            logger.notice("[WhatsApp] connector not loading: \(reason)", metadata: ["agent": "\(agent.slug)"])
        }
    }
}
