import Foundation
import Testing

@testable import WAGateCore

/// Validation of `connectors.whatsapp` and of characters: exact messages, all issues at once.
extension ConfigurationTests {
    // MARK: - dmPolicy "open"

    @Test func openWithoutWildcardAtTopLevelIsRefused() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "dmPolicy": "open", "allowFrom": ["+15551234567"] }"#))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "connectors.whatsapp.allowFrom")
        #expect(
            issues.first?.message
                == #"connectors.whatsapp.dmPolicy="open" requires connectors.whatsapp.allowFrom to include "*". Fix: add "allowFrom": ["*"] next to "dmPolicy": "open", or use "dmPolicy": "allowlist" with the numbers you want"#
        )
    }

    @Test func openWithoutAnyAllowFromIsRefused() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "dmPolicy": "open" }"#))
        #expect(issues.map(\.path) == ["connectors.whatsapp.allowFrom"])
    }

    @Test func openInAnAccountIsReportedAtTheAccount() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "accounts": { "work": { "dmPolicy": "open" } } }"#))
        #expect(issues.count == 1)
        #expect(issues.first?.path == "connectors.whatsapp.accounts.work.allowFrom")
        #expect(
            issues.first?.message
                == #"connectors.whatsapp.accounts.work.dmPolicy="open" requires connectors.whatsapp.accounts.work.allowFrom to include "*". Fix: add "allowFrom": ["*"] next to "dmPolicy": "open", or use "dmPolicy": "allowlist" with the numbers you want"#
        )
    }

    @Test func inheritedOpenWithAnAccountAllowFromIsReportedAtTheAccount() {
        let issues = Self.issues(
            Self.character(
                whatsapp:
                    #"{ "dmPolicy": "open", "allowFrom": ["*"], "accounts": { "work": { "allowFrom": ["+15551234567"] } } }"#
            )
        )
        #expect(issues.map(\.path) == ["connectors.whatsapp.accounts.work.allowFrom"])
        #expect(
            issues.first?.message
                == #"connectors.whatsapp.dmPolicy="open" (inherited by account "work") requires connectors.whatsapp.accounts.work.allowFrom to include "*". Fix: add "*" to connectors.whatsapp.accounts.work.allowFrom, or set "dmPolicy": "allowlist" on the account"#
        )
    }

    @Test func openWithWildcardIsAccepted() throws {
        let agent = try Self.agent(Self.character(whatsapp: #"{ "dmPolicy": "open", "allowFrom": ["*"] }"#))
        #expect(agent.whatsapp?.account("default")?.settings.dmPolicy == .open)
        #expect(agent.whatsapp?.account("default")?.settings.allowFrom == ["*"])
        // An account that sets open and inherits "*" is fine too.
        _ = try Self.agent(
            Self.character(whatsapp: #"{ "allowFrom": ["*"], "accounts": { "a": { "dmPolicy": "open" } } }"#)
        )
    }

    // MARK: - Unknown keys

    @Test func unknownTopLevelKeySuggestsTheClosest() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "dmPolicyy": "pairing" }"#), file: "examples/x.json")
        #expect(
            issues.map(\.description) == [
                #"examples/x.json: connectors.whatsapp.dmPolicyy: unknown key "dmPolicyy"; did you mean "dmPolicy"?"#
            ]
        )
    }

    @Test func unknownAccountKeySuggestsCaseInsensitively() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "accounts": { "default": { "authdir": "./x" } } }"#))
        #expect(issues.map(\.path) == ["connectors.whatsapp.accounts.default.authdir"])
        #expect(issues.first?.message == #"unknown key "authdir"; did you mean "authDir"?"#)
    }

    @Test func unknownAckReactionKeySuggests() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "ackReaction": { "emoij": "👀" } }"#))
        #expect(issues.map(\.path) == ["connectors.whatsapp.ackReaction.emoij"])
        #expect(issues.first?.message == #"unknown key "emoij"; did you mean "emoji"?"#)
    }

    @Test func unknownGroupKeySuggests() {
        let issues = Self.issues(
            Self.character(whatsapp: #"{ "groups": { "120363012345678901@g.us": { "requireMentions": false } } }"#)
        )
        #expect(issues.map(\.path) == [#"connectors.whatsapp.groups["120363012345678901@g.us"].requireMentions"#])
        #expect(issues.first?.message == #"unknown key "requireMentions"; did you mean "requireMention"?"#)
    }

    @Test func unknownKeyWithNothingCloseListsTheValidKeys() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "ackReaction": { "colour": "red" } }"#))
        #expect(issues.first?.message == #"unknown key "colour"; valid keys are "direct", "emoji", "group""#)
    }

    @Test func misplacedKeysSayWhereTheyBelong() {
        let issues = Self.issues(
            Self.character(
                whatsapp:
                    #"{ "type": "cloud", "accounts": { "a": { "actions": { "polls": false } } }, "groups": { "*": { "dmPolicy": "open" } } }"#
            )
        )
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.groups["*"].dmPolicy: "dmPolicy" applies to direct messages, not groups; set it on connectors.whatsapp or on an account"#,
                #"test.json: connectors.whatsapp.type: "type" is not allowed at the top level; set it on an account, e.g. "accounts": {"business": {"type": "cloud", ...}}"#,
                #"test.json: connectors.whatsapp.accounts.a.actions: "actions" is only allowed at the top level (connectors.whatsapp.actions)"#,
            ]
        )
    }

    @Test func cloudKeysOnAWebAccountAreRefused() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "accounts": { "a": { "accessToken": "t" } } }"#))
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.accounts.a.accessToken: "accessToken" is only used by Cloud API accounts; add "type": "cloud" to this account or remove the key"#
            ]
        )
    }

    // MARK: - Types, ranges, enums

    @Test func wrongTypeNamesTheValueAndWhatIsAllowed() {
        let issues = Self.issues(
            Self.character(
                whatsapp: #"{ "sendReadReceipts": "yes", "historyLimit": "50", "allowFrom": "+15551234567" }"#
            )
        )
        #expect(
            Set(issues.map(\.description)) == [
                #"test.json: connectors.whatsapp.sendReadReceipts: "yes" is a string; expected true or false"#,
                #"test.json: connectors.whatsapp.historyLimit: "50" is a string; expected an integer of 0 or more"#,
                #"test.json: connectors.whatsapp.allowFrom: "+15551234567" is a string; expected an array of phone numbers or "*""#,
            ]
        )
    }

    @Test func outOfRangeNumbersNameTheRange() {
        let issues = Self.issues(
            Self.character(
                whatsapp:
                    #"{ "textChunkLimit": 0, "mediaMaxMb": 4096, "debounceMs": 1.5, "rateLimit": { "burst": 0 } }"#
            )
        )
        #expect(
            Set(issues.map(\.description)) == [
                "test.json: connectors.whatsapp.textChunkLimit: 0 is out of range; expected an integer from 1 to 65536",
                "test.json: connectors.whatsapp.mediaMaxMb: 4096 is out of range; expected an integer from 1 to 2048",
                "test.json: connectors.whatsapp.debounceMs: 1.5 is not an integer; expected an integer from 0 to 600000",
                "test.json: connectors.whatsapp.rateLimit.burst: 0 is out of range; expected an integer of 1 or more",
            ]
        )
    }

    @Test func enumErrorsListTheAllowedValues() {
        let issues = Self.issues(
            Self.character(
                whatsapp: #"{ "dmPolicy": "opne", "groupPolicy": "all", "ackReaction": { "group": "sometimes" } }"#
            ),
            file: "examples/x.json"
        )
        #expect(
            issues.map(\.description).sorted() == [
                #"examples/x.json: connectors.whatsapp.ackReaction.group: "sometimes" is not a valid value; expected one of "always", "mentions", "never""#,
                #"examples/x.json: connectors.whatsapp.dmPolicy: "opne" is not a valid value; expected one of "pairing", "allowlist", "open", "closed", "disabled""#,
                #"examples/x.json: connectors.whatsapp.groupPolicy: "all" is not a valid value; expected one of "allowlist", "open", "disabled""#,
            ]
        )
    }

    // MARK: - Phone numbers and JIDs

    @Test func allowFromEntriesAreNormalisedToE164() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp:
                    #"{ "dmPolicy": "allowlist", "allowFrom": ["+1 (555) 123-4567", "whatsapp:+447700900123", "4915112345678@s.whatsapp.net", "4915112345678:12@s.whatsapp.net", "15551234567"] }"#
            )
        )
        #expect(
            agent.whatsapp?.account("default")?.settings.allowFrom == [
                "+15551234567", "+447700900123", "+4915112345678",
            ]
        )
    }

    @Test func badAllowFromEntriesAreNamed() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "allowFrom": ["*", "alice", "+12", 42, "123@lid"] }"#))
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.allowFrom[1]: "alice" is not a phone number; expected "*" or a phone number in international format like "+15551234567""#,
                #"test.json: connectors.whatsapp.allowFrom[2]: "+12" is not a phone number; it has 2 digits; a phone number in international format has 6 to 15 digits after "+""#,
                #"test.json: connectors.whatsapp.allowFrom[3]: 42 is a number; expected "*" or a phone number in international format like "+15551234567""#,
                #"test.json: connectors.whatsapp.allowFrom[4]: "123@lid" is not a phone number; it is a WhatsApp LID (a hidden user id), not a phone number; write the phone number instead"#,
            ]
        )
    }

    @Test func groupJIDInGroupAllowFromPointsToGroups() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "groupAllowFrom": ["120363012345678901@g.us"] }"#))
        #expect(issues.map(\.path) == ["connectors.whatsapp.groupAllowFrom[0]"])
        #expect(
            issues.first?.message
                == #""120363012345678901@g.us" is a group JID, but groupAllowFrom lists the phone numbers of the group members who may talk to the agent; to let the agent into that group, add it under "groups" instead, e.g. "groups": {"120363012345678901@g.us": {"requireMention": true}}"#
        )
    }

    @Test func groupKeysMustBeGroupJIDs() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "groups": { "+15551234567": {} } }"#))
        #expect(
            issues.map(\.message) == [
                #""+15551234567" is not a group JID; groups is keyed by group JIDs like "120363012345678901@g.us" or "*" for every group"#
            ]
        )
    }

    // MARK: - Accounts and agents

    @Test func badAccountIDIsRefused() {
        let issues = Self.issues(
            Self.character(whatsapp: #"{ "accounts": { "my account": { "enabled": true }, "-x": {} } }"#)
        )
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.accounts["-x"]: "-x" is not a valid account id; use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit"#,
                #"test.json: connectors.whatsapp.accounts["my account"]: "my account" is not a valid account id; use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit"#,
            ]
        )
    }

    @Test func duplicateSlugNamesBothFiles() {
        let issues = Self.issues([
            .character(json: #"{ "name": "Milady Bot" }"#, file: "a.json"),
            .character(json: #"{ "name": "milady-bot!" }"#, file: "b.json"),
        ])
        #expect(
            issues.map(\.description) == [
                #"b.json: name: the agent "milady-bot!" has the id "milady-bot", which a.json ("Milady Bot") already uses; give each agent a different name"#
            ]
        )
    }

    @Test func characterFieldsAreChecked() {
        let issues = Self.issues(#"{ "bio": 3, "modelProvider": "" }"#)
        #expect(
            issues.map(\.description).sorted() == [
                "test.json: bio: 3 is a number; expected a string or an array of strings",
                "test.json: modelProvider: must not be empty",
                #"test.json: name: missing; every character needs a "name" (it also names the agent)"#,
            ]
        )
    }

    @Test func sharedSessionDirectoryIsRefused() {
        let issues = Self.issues(
            Self.character(whatsapp: #"{ "accounts": { "a": { "authDir": "./auth" }, "b": { "authDir": "auth/" } } }"#)
        )
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.accounts.b.authDir: authDir "/work/agents/auth" is also used by connectors.whatsapp.accounts.a.authDir; two accounts cannot share one session directory"#
            ]
        )
    }

    // MARK: - All at once

    @Test func everyMistakeOfAFileIsReportedAtOnce() {
        let json = """
            {
              "name": "Three Mistakes",
              "connectors": {
                "whatsapp": {
                  "dmPolicy": "opne",
                  "textChunkLimit": 0,
                  "accounts": { "default": { "enabeld": true } }
                }
              }
            }
            """
        let issues = Self.issues(json, file: "three.json")
        // In the order the keys appear in the file.
        #expect(
            issues.map(\.description) == [
                #"three.json: connectors.whatsapp.dmPolicy: "opne" is not a valid value; expected one of "pairing", "allowlist", "open", "closed", "disabled""#,
                "three.json: connectors.whatsapp.textChunkLimit: 0 is out of range; expected an integer from 1 to 65536",
                #"three.json: connectors.whatsapp.accounts.default.enabeld: unknown key "enabeld"; did you mean "enabled"?"#,
            ]
        )
    }

    @Test func issuesOfEveryFileAreCollected() {
        let issues = Self.issues([
            .character(json: Self.character(whatsapp: #"{ "chunkMode": "words" }"#), file: "a.json"),
            .character(json: #"{ "name": "B", "connectors": { "whatsapp": { "mediaMaxMb": 0 } } }"#, file: "b.json"),
            .character(json: "{ \"name\": ", file: "c.json"),
        ])
        #expect(issues.compactMap(\.file) == ["a.json", "b.json", "c.json"])
        let error = ConfigurationError(issues: issues)
        #expect(error.description.split(separator: "\n").count == 4)
        #expect(error.description.hasPrefix("invalid configuration (3 issues):\n"))
    }

    @Test func duplicateKeyInTheWhatsAppSectionIsAnError() {
        let issues = Self.issues(
            """
            { "name": "Dup",
              "connectors": { "whatsapp": {
                "dmPolicy": "open",
                "dmPolicy": "pairing"
              } } }
            """
        )
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.dmPolicy: "dmPolicy" is written twice (lines 3 and 4); JSON keeps only the last value, so remove one"#
            ]
        )
    }

    // MARK: - JSON syntax

    @Test func syntaxErrorNamesLineAndColumn() {
        let issues = Self.issues(
            """
            {
              "name": "Broken",
              "connectors": {
                "whatsapp": { "dmPolicy": "pairing" "selfChatMode": false }
              }
            }
            """,
            file: "broken.json"
        )
        #expect(
            issues.map(\.description) == [
                #"broken.json: invalid JSON at line 4, column 41: expected ',' or '}' after the value of "dmPolicy" but found '"'"#
            ]
        )
    }

    @Test func trailingCommaAndEmptyFileAreSyntaxErrors() {
        #expect(
            Self.issues("{\n  \"name\": \"X\",\n}").map(\.message) == [
                "invalid JSON at line 3, column 1: trailing comma before '}' is not allowed in JSON"
            ]
        )
        #expect(
            Self.issues("").map(\.message) == [
                "invalid JSON at line 1, column 1: the file is empty; expected a JSON object"
            ]
        )
        #expect(Self.issues("[]").map(\.message) == ["the file must contain a JSON object, but it contains an array"])
    }

    @Test func parserMatchesFoundationOnValidJSON() throws {
        let text = #"{"a": [1, -2.5, 3e2, true, false, null, "x\u00e9\n\ud83d\udc40"], "b": {"c": 9007199254740993}}"#
        let ours = try ConfigJSONParser.parse(Data(text.utf8)).value
        #expect(ours == (try JSONValue.parse(text)))
        #expect(ours["a"]?.arrayValue?[6] == "xé\n👀")
    }
}

extension ConfigurationTests {
    @Test func misspeltWhatsAppConnectorIsAnError() {
        let issues = Self.issues(#"{ "name": "X", "connectors": { "whatsApp": {}, "telegram": {} } }"#)
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsApp: unknown connector "whatsApp"; did you mean "whatsapp"? (connector names are lowercase)"#
            ]
        )
    }

    @Test func nearMissCharacterKeyIsAWarning() throws {
        let configuration = try Self.load(#"{ "name": "X", "conectors": { "whatsapp": {} }, "lore": [] }"#)
        #expect(configuration.agents[0].whatsapp == nil)
        #expect(configuration.agents[0].extra["conectors"] != nil)
        #expect(
            configuration.warnings.map(\.description) == [
                #"test.json: conectors: "conectors" is not read by wagate (kept for other tools); did you mean "connectors"?"#
            ]
        )
    }
}
