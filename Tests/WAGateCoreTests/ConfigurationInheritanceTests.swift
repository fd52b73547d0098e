import Testing

@testable import WAGateCore

/// How accounts inherit from the top level, `closed` ≡ `disabled`, groups, and connector activation.
extension ConfigurationTests {
    // MARK: - Inheritance

    @Test func accountOverridesOneKeyAndInheritsTheRest() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: """
                    { "textChunkLimit": 1000, "messagePrefix": "[Top] ", "sendReadReceipts": false, "mediaMaxMb": 10,
                      "accounts": { "a": { "textChunkLimit": 2000 }, "b": {} } }
                    """
            )
        )
        let a = try #require(agent.whatsapp?.account("a"))
        let b = try #require(agent.whatsapp?.account("b"))
        #expect(a.settings.textChunkLimit == 2000)
        #expect(a.settings.messagePrefix == "[Top] ")
        #expect(a.settings.sendReadReceipts == false)
        #expect(a.settings.mediaMaxMb == 10)
        #expect(b.settings.textChunkLimit == 1000)
        #expect(agent.whatsapp?.accounts.map(\.id) == ["a", "b"])
    }

    /// openclaw#4321: schema defaults filled into account entries hid the top-level policies.
    @Test func accountWithoutPoliciesInheritsTopLevelAllowlist() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: """
                    { "dmPolicy": "allowlist", "allowFrom": ["+15551234567"], "groupPolicy": "open", "debounceMs": 500,
                      "accounts": { "work": { "enabled": true, "authDir": "./auth/work" } } }
                    """
            )
        )
        let work = try #require(agent.whatsapp?.account("work"))
        #expect(work.settings.dmPolicy == .allowlist)
        #expect(work.settings.allowFrom == ["+15551234567"])
        #expect(work.settings.groupPolicy == .open)
        #expect(work.settings.debounceMs == 500)
        // The level keeps only what the account wrote.
        #expect(agent.whatsapp?.topLevel.dmPolicy == .allowlist)
    }

    @Test func objectsAreReplacedWholeNotMerged() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: """
                    { "ackReaction": { "emoji": "eyes", "direct": false, "group": "always" },
                      "rateLimit": { "messagesPerMinute": 10, "burst": 2 },
                      "groups": { "*": { "requireMention": false } },
                      "accounts": { "a": { "ackReaction": { "emoji": "👍" }, "rateLimit": { "perChatIntervalMs": 0 },
                                           "groups": { "120363012345678901@g.us": {} } }, "b": {} } }
                    """
            )
        )
        let a = try #require(agent.whatsapp?.account("a")?.settings)
        #expect(a.ackReaction == WhatsAppSettings.AckReaction(emoji: "👍", direct: true, group: .mentions))
        #expect(a.rateLimit == WhatsAppSettings.RateLimit(messagesPerMinute: 20, burst: 5, perChatIntervalMs: 0))
        #expect(Set(a.groups.keys) == ["120363012345678901@g.us"])
        #expect(a.requireMention(inGroup: "120363012345678901@g.us"))
        let b = try #require(agent.whatsapp?.account("b")?.settings)
        #expect(b.ackReaction == WhatsAppSettings.AckReaction(emoji: "👀", direct: false, group: .always))
        #expect(b.rateLimit == WhatsAppSettings.RateLimit(messagesPerMinute: 10, burst: 2, perChatIntervalMs: 1000))
        #expect(!b.requireMention(inGroup: "120363999@g.us"))
    }

    @Test func groupOverridesApplyInsideTheGroup() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: """
                    { "messagePrefix": "[Bot] ", "historyLimit": 30,
                      "groups": { "*": { "historyLimit": 10 },
                                  "120363012345678901@G.US": { "requireMention": false, "messagePrefix": "",
                                                               "tools": { "deny": ["exec"] } } } }
                    """
            )
        )
        let settings = try #require(agent.whatsapp?.account("default")?.settings)
        let jid = "120363012345678901@g.us"
        #expect(settings.allowsGroup(jid))
        #expect(settings.allowsGroup("1-2@g.us"))  // "*" lets every group in
        #expect(!settings.requireMention(inGroup: jid))
        #expect(settings.requireMention(inGroup: "1-2@g.us"))
        #expect(settings.settings(forGroup: jid).messagePrefix == nil)
        #expect(settings.settings(forGroup: jid).historyLimit == 10)
        #expect(settings.settings(forGroup: "1-2@g.us").messagePrefix == "[Bot] ")
        #expect(settings.groups[jid]?.tools == WhatsAppSettings.ToolPolicy(deny: ["exec"]))
    }

    @Test func groupAllowFromFallsBackToAllowFrom() throws {
        let settings = try #require(
            Self.agent(Self.character(whatsapp: #"{ "dmPolicy": "allowlist", "allowFrom": ["+15551234567"] }"#))
                .whatsapp?.accounts.first?.settings
        )
        #expect(settings.groupAllowFrom == nil)
        #expect(settings.effectiveGroupAllowFrom == ["+15551234567"])
    }

    @Test func everyStoredKeyIsAccepted() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: """
                    { "capabilities": ["polls"], "markdown": { "tables": "code" }, "configWrites": false,
                      "dms": { "+15551234567": { "historyLimit": 5 } }, "dmHistoryLimit": 7,
                      "blockStreaming": true, "blockStreamingCoalesce": { "minChars": 100, "maxChars": 800, "idleMs": 300 },
                      "actions": { "polls": false }, "heartbeat": { "showOk": true }, "chunkMode": "newline",
                      "selfChatMode": true, "groupAllowFrom": ["*"] }
                    """
            )
        )
        let settings = try #require(agent.whatsapp?.account("default")?.settings)
        #expect(settings.capabilities == ["polls"])
        #expect(settings.markdownTables == .code)
        #expect(settings.configWrites == false)
        #expect(settings.dmHistoryLimit(for: "+15551234567") == 5)
        #expect(settings.dmHistoryLimit(for: "+15550000000") == 7)
        #expect(settings.blockStreaming)
        #expect(
            settings.blockStreamingCoalesce
                == WhatsAppSettings.BlockStreamingCoalesce(minChars: 100, maxChars: 800, idleMs: 300)
        )
        #expect(settings.actions == WhatsAppSettings.Actions(reactions: true, sendMessage: true, polls: false))
        #expect(settings.heartbeat == WhatsAppSettings.Heartbeat(showOk: true))
        #expect(settings.chunkMode == .newline)
        #expect(settings.selfChatMode)
        #expect(settings.groupAllowFrom == ["*"])
    }

    // MARK: - dmPolicy spellings

    @Test func closedMeansDisabledAndKeepsItsSpelling() throws {
        let closed = try Self.agent(Self.character(whatsapp: #"{ "dmPolicy": "closed" }"#)).whatsapp?.accounts.first?
            .settings
        let disabled = try Self.agent(Self.character(whatsapp: #"{ "dmPolicy": "disabled" }"#)).whatsapp?.accounts
            .first?.settings
        #expect(closed?.dmPolicy == .disabled)
        #expect(disabled?.dmPolicy == .disabled)
        #expect(closed?.dmPolicyName == "closed")
        #expect(disabled?.dmPolicyName == "disabled")
        #expect(closed?.jsonValue["dmPolicy"] == "closed")
    }

    // MARK: - Top-level enabled and authDir (written by Milady)

    @Test func topLevelAuthDirMeansTheDefaultAccount() throws {
        let agent = try Self.agent(Self.character(whatsapp: #"{ "enabled": true, "authDir": "~/wa/default" }"#))
        let account = try #require(agent.whatsapp?.accounts.first)
        #expect(agent.whatsapp?.accounts.count == 1)
        #expect(account.id == "default")
        #expect(account.authDir == "/home/tester/wa/default")
        #expect(account.authDirConfigPath == "connectors.whatsapp.authDir")
    }

    @Test func noAccountsAndNoAuthDirMeansDefaultWithoutAuthDir() throws {
        let agent = try Self.agent(Self.character(whatsapp: "{}"))
        let account = try #require(agent.whatsapp?.accounts.first)
        #expect(account.id == "default")
        #expect(account.authDir == nil)
        #expect(account.configPath == "connectors.whatsapp")
    }

    @Test func absoluteAuthDirIsKept() throws {
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "accounts": { "a": { "authDir": "/var/lib/wagate/../wagate/a/" } } }"#)
        )
        #expect(agent.whatsapp?.account("a")?.authDir == "/var/lib/wagate/a")
    }

    // MARK: - Activation

    @Test func noWhatsAppSectionIsInactive() throws {
        let agent = try Self.agent(#"{ "name": "Quiet" }"#)
        #expect(agent.whatsapp == nil)
        #expect(
            agent.connectorStatus
                == .inactive(
                    reason:
                        #"test.json has no connectors.whatsapp section; add one (see "Quick Start with Baileys", Step 1) or set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID for the Cloud API"#
                )
        )
    }

    @Test func topLevelEnabledFalseTurnsTheConnectorOff() throws {
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "enabled": false, "accounts": { "default": { "enabled": true } } }"#)
        )
        #expect(agent.whatsapp?.account("default")?.enabled == false)
        #expect(
            agent.connectorStatus
                == .inactive(
                    reason:
                        #"connectors.whatsapp.enabled is false; remove "enabled": false (or set it to true) to start the WhatsApp connector"#
                )
        )
    }

    @Test func emptyAccountsIsInactive() throws {
        let agent = try Self.agent(Self.character(whatsapp: #"{ "accounts": {} }"#))
        #expect(
            agent.connectorStatus
                == .inactive(
                    reason:
                        #"connectors.whatsapp.accounts is empty; define at least one account with "enabled": true, e.g. "accounts": {"default": {"enabled": true, "authDir": "./auth/whatsapp"}}"#
                )
        )
    }

    @Test func everyAccountDisabledIsInactiveAndNamesThem() throws {
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "accounts": { "work": { "enabled": false }, "home": { "enabled": false } } }"#)
        )
        #expect(
            agent.connectorStatus
                == .inactive(
                    reason:
                        #"every account has "enabled": false (connectors.whatsapp.accounts.home, connectors.whatsapp.accounts.work); set "enabled": true on at least one account"#
                )
        )
    }

    @Test func activeConnectorListsOnlyEnabledAccounts() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: #"{ "accounts": { "work": { "enabled": false }, "home": { "name": "  Home  " } } }"#
            )
        )
        guard case .active(let accounts) = agent.connectorStatus else {
            Issue.record("expected an active connector")
            return
        }
        #expect(accounts.map(\.id) == ["home"])
        #expect(accounts.first?.name == "Home")
    }
}
