import Foundation
import Testing

@testable import WAGateCore

/// Configuration loading: the user guide's examples, the repository's `examples/`, sources and
/// output. Validation, inheritance and environment tests are in the `Configuration*Tests.swift`
/// files next to this one, as extensions of this suite (so `--filter ConfigurationTests` runs all).
@Suite struct ConfigurationTests {
    // MARK: - Helpers

    /// The repository's `examples/` directory.
    static let examplesDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("examples").path
    }()

    /// Loads one inline character; relative paths resolve against `/work/agents`.
    static func load(
        _ json: String,
        file: String = "test.json",
        environment: [String: String] = [:],
        home: String? = "/home/tester"
    ) throws -> GatewayConfiguration {
        try ConfigurationLoader(
            sources: [.character(json: json, file: file, baseDirectory: "/work/agents")],
            environment: environment,
            homeDirectory: home
        ).load()
    }

    /// The single agent of one inline character.
    static func agent(_ json: String, environment: [String: String] = [:]) throws -> AgentDefinition {
        let configuration = try load(json, environment: environment)
        return try #require(configuration.agents.first)
    }

    /// The issues of sources that must fail to load.
    static func issues(_ sources: [ConfigurationLoader.Source], environment: [String: String] = [:]) -> [ConfigIssue] {
        do {
            _ = try ConfigurationLoader(sources: sources, environment: environment, homeDirectory: "/home/tester")
                .load()
            Issue.record("expected the configuration to be rejected")
            return []
        } catch {
            return error.issues
        }
    }

    /// The issues of one inline character that must fail to load.
    static func issues(_ json: String, file: String = "test.json", environment: [String: String] = [:]) -> [ConfigIssue]
    {
        issues([.character(json: json, file: file, baseDirectory: "/work/agents")], environment: environment)
    }

    /// A character named "Test" with `whatsapp` as its `connectors.whatsapp` section.
    static func character(whatsapp: String, extra: String = "") -> String {
        #"{ "name": "Test", \#(extra) "connectors": { "whatsapp": \#(whatsapp) } }"#
    }

    // MARK: - The user guide

    @Test func guideExampleCharacterLoadsWithResolvedValues() throws {
        let path = Self.examplesDirectory + "/milady-whatsapp-test.character.json"
        let configuration = try ConfigurationLoader(sources: [.character(path: path)], environment: [:]).load()
        let agent = try #require(configuration.agents.first)
        #expect(configuration.agents.count == 1)
        #expect(agent.name == "Milady WhatsApp Test")
        #expect(agent.slug == "milady-whatsapp-test")
        #expect(agent.description == "Test configuration for WhatsApp connector with Baileys (QR code) authentication")
        #expect(agent.bio.count == 2)
        #expect(agent.modelProvider == "anthropic")
        #expect(agent.secrets == ["enableServerless": false])
        #expect(agent.sourceFile == path)

        let whatsapp = try #require(agent.whatsapp)
        #expect(whatsapp.accounts.map(\.id) == ["default"])
        let account = try #require(whatsapp.account("default"))
        #expect(account.kind == .web)
        #expect(account.enabled)
        #expect(account.authDir == Self.examplesDirectory + "/auth/whatsapp-test")
        #expect(account.authDirConfigPath == "connectors.whatsapp.accounts.default.authDir")
        #expect(account.settings.dmPolicy == .pairing)
        #expect(account.settings.sendReadReceipts == true)
        #expect(account.settings.selfChatMode == false)
        #expect(account.settings.messagePrefix == "[Milady] ")
        // Defaults for everything the example leaves out.
        #expect(account.settings.groupPolicy == .allowlist)
        #expect(account.settings.mediaMaxMb == 50)
        #expect(account.settings.debounceMs == 0)
        #expect(account.settings.textChunkLimit == 4000)
        #expect(account.settings.chunkMode == .length)
        #expect(account.settings.historyLimit == 50)
        #expect(account.settings.dmHistoryLimit == 20)
        #expect(
            account.settings.rateLimit
                == WhatsAppSettings.RateLimit(messagesPerMinute: 20, burst: 5, perChatIntervalMs: 1000)
        )
        #expect(account.settings.ackReaction == nil)
        #expect(agent.connectorStatus == .active([account]))
    }

    @Test func guideStepOneConfigLoads() throws {
        let agent = try Self.agent(
            """
            {
              "name": "Your Character",
              "connectors": {
                "whatsapp": {
                  "accounts": {
                    "default": {
                      "enabled": true,
                      "authDir": "./auth/whatsapp"
                    }
                  },
                  "dmPolicy": "pairing",
                  "sendReadReceipts": true,
                  "selfChatMode": false
                }
              }
            }
            """
        )
        let account = try #require(agent.whatsapp?.account("default"))
        #expect(account.authDir == "/work/agents/auth/whatsapp")
        #expect(account.settings.dmPolicy == .pairing)
        #expect(account.settings.dmPolicyName == "pairing")
        #expect(account.settings.messagePrefix == nil)
        #expect(agent.connectorStatus.isActive)
    }

    @Test func guideAckReactionExampleUsesTheEmojiName() throws {
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "ackReaction": { "emoji": "eyes", "direct": true, "group": "mentions" } }"#)
        )
        let ack = try #require(agent.whatsapp?.account("default")?.settings.ackReaction)
        #expect(ack == WhatsAppSettings.AckReaction(emoji: "👀", direct: true, group: .mentions))
    }

    @Test func guideRateLimitExampleIsValid() throws {
        let agent = try Self.agent(Self.character(whatsapp: #"{ "debounceMs": 1000 }"#))
        #expect(agent.whatsapp?.account("default")?.settings.debounceMs == 1000)
    }

    // MARK: - Repository examples

    @Test func echoExampleLoads() throws {
        let configuration = try ConfigurationLoader(
            sources: [.character(path: Self.examplesDirectory + "/echo.character.json")],
            environment: [:]
        ).load()
        let agent = try #require(configuration.agents.first)
        #expect(agent.modelProvider == "echo")
        #expect(agent.slug == "echo")
        #expect(agent.connectorStatus.isActive)
    }

    @Test func miladyExampleDefinesOneAgentWithEnvironment() throws {
        let configuration = try ConfigurationLoader(
            sources: [.miladyConfig(path: Self.examplesDirectory + "/milady.json")],
            environment: ["HOME": "/root"]
        ).load()
        let agent = try #require(configuration.agents.first)
        #expect(configuration.agents.count == 1)
        #expect(agent.name == "Milady")
        #expect(agent.bio == ["A Milady agent configured from milady.json"])
        #expect(configuration.environment["ANTHROPIC_API_KEY"] == "sk-ant-replace-me")
        #expect(configuration.environment["HOME"] == "/root")
        let whatsapp = try #require(agent.whatsapp)
        #expect(whatsapp.accounts.map(\.id) == ["personal", "support"])
        #expect(whatsapp.account("support")?.enabled == false)
        #expect(whatsapp.account("support")?.settings.dmPolicy == .open)
        #expect(whatsapp.account("personal")?.settings.dmPolicy == .allowlist)
        #expect(whatsapp.account("personal")?.settings.allowFrom == ["+15551234567"])
        #expect(whatsapp.account("personal")?.settings.chunkMode == .newline)
        #expect(agent.connectorStatus == .active([whatsapp.account("personal")!]))
        // `telegram` is another tool's connector: ignored.
        #expect(agent.extra["connectors"] == nil)
    }

    @Test func miladyConfigWithoutWhatsAppDefinesNoAgentButProvidesEnvironment() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .miladyConfig(
                    json:
                        #"{ "env": { "FOO": "from-file", "vars": { "BAR": "bar" }, "shellEnv": { "enabled": true } } }"#,
                    file: "milady.json"
                ),
                .character(json: Self.character(whatsapp: "{}"), file: "a.json"),
            ],
            environment: [:]
        ).load()
        #expect(configuration.agents.map(\.slug) == ["test"])
        #expect(configuration.environment["FOO"] == "from-file")
        #expect(configuration.environment["BAR"] == "bar")
        #expect(configuration.agents[0].environment["FOO"] == "from-file")
    }

    @Test func miladyConfigWithoutNameIsNamedMilady() throws {
        let configuration = try ConfigurationLoader(
            sources: [.miladyConfig(json: #"{ "connectors": { "whatsapp": {} } }"#, file: "milady.json")],
            environment: [:]
        ).load()
        #expect(configuration.agents.map(\.name) == ["milady"])
    }

    // MARK: - Sources

    @Test func characterDirectoryLoadsEveryJSONFileSorted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wagate-config-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{ "name": "Bravo" }"#.write(toFile: directory + "/b.json", atomically: true, encoding: .utf8)
        try #"{ "name": "Alpha" }"#.write(toFile: directory + "/a.json", atomically: true, encoding: .utf8)
        try "not a character".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(sources: [.characterDirectory(directory)], environment: [:]).load()
        #expect(configuration.agents.map(\.name) == ["Alpha", "Bravo"])
        #expect(configuration.agents[0].sourceFile == directory + "/a.json")
    }

    @Test func missingFileIsReported() {
        let issues = Self.issues([.character(path: "/nonexistent/wagate/x.json")])
        #expect(
            issues.map(\.description) == [
                "/nonexistent/wagate/x.json: cannot read the file (No such file or directory)"
            ]
        )
    }

    @Test func elizaCharacterKeysAreKeptAndOtherConnectorsIgnored() throws {
        let agent = try Self.agent(
            """
            {
              "name": "Eliza", "username": "eliza", "id": "b850bc30-45f8-0041-a00a-83df46d8555d",
              "lore": ["born online"], "messageExamples": [[{"user": "{{user1}}", "content": {"text": "hi"}}]],
              "postExamples": [], "topics": ["ai"], "adjectives": ["kind"], "style": {"all": ["short"]},
              "plugins": ["@elizaos/plugin-whatsapp"], "clients": ["whatsapp"], "knowledge": [], "templates": {},
              "people": [], "system": "Be kind.", "bio": "One line bio",
              "settings": { "voice": { "model": "en_US-female" }, "secrets": { "OPENAI_API_KEY": "sk" } },
              "connectors": { "discord": { "whatever": 1 }, "whatsapp": {} }
            }
            """
        )
        #expect(agent.bio == ["One line bio"])
        #expect(agent.system == "Be kind.")
        #expect(
            Set(agent.extra.keys)
                == [
                    "username", "id", "lore", "messageExamples", "postExamples", "topics", "adjectives", "style",
                    "plugins", "clients", "knowledge", "templates", "people",
                ]
        )
        #expect(agent.extra["lore"] == ["born online"])
        #expect(agent.settings["voice"] == ["model": "en_US-female"])
    }

    // MARK: - Output

    @Test func redactedNeverContainsSecrets() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp:
                    #"{ "accounts": { "biz": { "type": "cloud", "accessToken": "EAAG-secret-token", "phoneNumberId": "1234567890", "appSecret": "app-secret-value", "webhookVerifyToken": "verify-secret" } } }"#,
                extra:
                    #""secrets": { "apiKey": "secret-in-secrets" }, "settings": { "secrets": { "X": "nested-secret" }, "model": "m", "openaiApiKey": "sk-in-settings" }, "env": { "TOKEN": "env-secret" },"#
            )
        )
        let configuration = GatewayConfiguration(agents: [agent])
        let text = configuration.redacted().jsonString()
        for secret in [
            "EAAG-secret-token", "app-secret-value", "verify-secret", "secret-in-secrets", "nested-secret",
            "sk-in-settings", "env-secret",
        ] {
            #expect(!text.contains(secret), "redacted output contains \(secret)")
        }
        #expect(text.contains("1234567890"))
        #expect(text.contains(#""model":"m""#))
    }

    @Test func slugFollowsTheNamingRule() {
        #expect(AgentDefinition.slug(for: "Milady WhatsApp Test") == "milady-whatsapp-test")
        #expect(AgentDefinition.slug(for: "  --Zoë's  Bot!! 2 ") == "zoe-s-bot-2")
        #expect(AgentDefinition.slug(for: "日本") == "")
    }

    @Test func checkAuthDirectoriesCreatesMissingDirectoriesPrivately() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-auth-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configuration = try ConfigurationLoader(
            sources: [
                .character(
                    json: Self.character(whatsapp: #"{ "authDir": "./auth/one" }"#),
                    file: "a.json",
                    baseDirectory: root
                )
            ],
            environment: [:]
        ).load()
        #expect(configuration.checkAuthDirectories().isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/auth/one")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)

        // A file where the directory should be is reported with its key path.
        try FileManager.default.removeItem(atPath: root + "/auth/one")
        try "x".write(toFile: root + "/auth/one", atomically: true, encoding: .utf8)
        let issues = configuration.checkAuthDirectories()
        #expect(
            issues.map(\.description) == [
                "a.json: connectors.whatsapp.authDir: authDir \"\(root)/auth/one\" exists but is not a directory; remove it or choose another authDir"
            ]
        )
    }
}
