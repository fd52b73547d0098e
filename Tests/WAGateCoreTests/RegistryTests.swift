import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import WAGateCore

@Suite struct RegistryTests {
    let agent = AgentDefinition(
        name: "Sales Bot", sourceFile: "sales.json",
        whatsapp: WhatsAppConnectorConfiguration(accounts: [
            AccountDefinition(id: "main"), AccountDefinition(id: "spare", enabled: false),
        ]))

    func makeRegistry(observer: RecordingObserver) -> Registry {
        Registry(
            agents: [agent],
            opener: FixedOpener(result: .success(OpenedSession(linked: true, credentialNames: ["noise"]))),
            links: AccountLinkFactory { _, _, _ in ScriptedLink() },
            observer: observer, logger: Logger(label: "test"))
    }

    @Test func addressesAgentsBySlugOrNameAndAccountsAsAgentSlashAccount() {
        let registry = makeRegistry(observer: RecordingObserver())
        #expect(registry.agent(named: "sales-bot")?.slug == "sales-bot")
        #expect(registry.agent(named: "sales bot")?.slug == "sales-bot")
        #expect(registry.account("sales-bot/main")?.id.description == "sales-bot/main")
        #expect(registry.account("Sales Bot/spare")?.id.description == "sales-bot/spare")
        #expect(registry.account("sales-bot/none") == nil)
        #expect(registry.account("sales-bot") == nil)
        #expect(registry.accounts.map(\.id.description) == ["sales-bot/main", "sales-bot/spare"])
    }

    @Test func startsEnabledAccountsAndStopsThemOnGracefulShutdown() async throws {
        let observer = RecordingObserver()
        let registry = makeRegistry(observer: observer)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await registry.run() }
                _ = await observer.next(.connected)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let main = observer.statuses.withLock { $0.filter { $0.id.account == "main" } }
        #expect(main.map(\.state) == [.starting, .connecting, .connected, .stopped])
        #expect(main.last?.reason == "gateway shutting down")
        // The disabled account never started.
        #expect(observer.statuses.withLock { $0.filter { $0.id.account == "spare" } }.isEmpty)
        #expect(await registry.account("sales-bot/spare")?.snapshot().reason == "disabled in configuration")
    }
}
