/// Validates one `connectors.whatsapp` object and turns it into sparse ``WhatsAppSettings`` levels.
///
/// Every key is checked and every problem recorded in the `ConfigReader`; nothing stops at the first
/// error. Building accounts (inheritance, the Cloud API account from the environment) happens later,
/// in the loader, once the environment is known.
struct WhatsAppSectionParser {
    /// The parsed section.
    struct Section {
        var top = WhatsAppSettings()
        /// Accounts with valid ids, in id order.
        var accounts: [(id: String, settings: WhatsAppSettings)] = []
        var hasAccountsKey = false
        /// The path of the section, `connectors.whatsapp`.
        var path: ConfigPath
    }

    enum Level {
        case topLevel
        case account
        case group
    }

    // MARK: - Keys

    /// Keys allowed at the top level and in accounts.
    static let sharedKeys = [
        "capabilities", "markdown", "configWrites", "sendReadReceipts", "dmPolicy", "messagePrefix", "selfChatMode",
        "allowFrom", "groupAllowFrom", "groupPolicy", "historyLimit", "dmHistoryLimit", "dms", "textChunkLimit",
        "chunkMode", "mediaMaxMb", "blockStreaming", "blockStreamingCoalesce", "groups", "ackReaction", "debounceMs",
        "heartbeat", "rateLimit", "enabled", "authDir",
    ]
    static let topLevelOnlyKeys = ["accounts", "actions"]
    static let cloudKeys = [
        "accessToken", "phoneNumberId", "webhookVerifyToken", "businessAccountId", "appSecret", "graphVersion",
        "graphUrl",
    ]
    static let accountOnlyKeys = ["name", "type"] + cloudKeys
    static let groupOwnKeys = ["requireMention", "tools", "toolsBySender"]
    /// Keys a group may override: the ones that make sense inside one group. Direct-message keys,
    /// account identity and send limits (which are per account, not per chat) are refused.
    static let groupOverrideKeys = [
        "groupPolicy", "groupAllowFrom", "historyLimit", "messagePrefix", "textChunkLimit", "chunkMode", "mediaMaxMb",
        "debounceMs", "blockStreaming", "blockStreamingCoalesce", "ackReaction", "markdown", "sendReadReceipts",
    ]
    static let directMessageKeys = ["dmPolicy", "allowFrom", "dmHistoryLimit", "dms", "selfChatMode"]

    static func validKeys(_ level: Level) -> [String] {
        switch level {
        case .topLevel: return sharedKeys + topLevelOnlyKeys
        case .account: return sharedKeys + accountOnlyKeys
        case .group: return groupOwnKeys + groupOverrideKeys
        }
    }

    // MARK: - State

    var reader: ConfigReader
    /// The character file's directory, against which relative `authDir` paths resolve.
    let baseDirectory: String
    let homeDirectory: String?

    // MARK: - Section

    mutating func parseSection(_ value: JSONValue, at path: ConfigPath) -> Section? {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object with the WhatsApp connector settings"
            )
        else { return nil }
        var section = Section(path: path)
        section.top = parseLevel(object, at: path, level: .topLevel)
        if let accountsValue = object["accounts"] {
            section.hasAccountsKey = true
            section.accounts = parseAccounts(accountsValue, at: path.appending("accounts"))
        }
        checkOpenPolicy(section)
        return section
    }

    private mutating func parseAccounts(
        _ value: JSONValue,
        at path: ConfigPath
    ) -> [(id: String, settings: WhatsAppSettings)] {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object mapping account ids to account settings"
            )
        else { return [] }
        var accounts: [(id: String, settings: WhatsAppSettings)] = []
        var seenLowercased: [String: String] = [:]
        for id in object.keys.sorted() {
            let accountPath = path.appending(id)
            var validID = Self.isValidAccountID(id)
            if !validID {
                reader.report(
                    accountPath,
                    "\(ConfigPath.quoted(id)) is not a valid account id; use 1 to 64 letters, digits, \"-\" or \"_\", starting with a letter or digit"
                )
            } else if let other = seenLowercased[id.lowercased()] {
                reader.report(
                    accountPath,
                    "the account ids \(ConfigPath.quoted(other)) and \(ConfigPath.quoted(id)) differ only in case; account ids must be unique ignoring case"
                )
                validID = false
            }
            seenLowercased[id.lowercased()] = id
            guard
                let entry = reader.object(
                    object[id]!,
                    at: accountPath,
                    expected: "expected an object with the account's settings"
                )
            else { continue }
            let settings = parseLevel(entry, at: accountPath, level: .account)
            if validID { accounts.append((id, settings)) }
        }
        return accounts
    }

    /// `[A-Za-z0-9][A-Za-z0-9_-]{0,63}`.
    static func isValidAccountID(_ id: String) -> Bool {
        let scalars = Array(id.unicodeScalars)
        guard (1...64).contains(scalars.count) else { return false }
        func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        return isAlphanumeric(scalars[0])
            && scalars.dropFirst().allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    // MARK: - One level

    mutating func parseLevel(_ object: [String: JSONValue], at path: ConfigPath, level: Level) -> WhatsAppSettings {
        var settings = WhatsAppSettings()
        let valid = Self.validKeys(level)
        for key in object.keys.sorted() {
            let value = object[key]!
            let keyPath = path.appending(key)
            guard valid.contains(key) else {
                reader.report(keyPath, misplacedKeyMessage(key, level: level, sectionPath: path))
                continue
            }
            // A group's own keys (`requireMention`, `tools`, `toolsBySender`) are read by `parseGroups`.
            if level == .group, Self.groupOwnKeys.contains(key) { continue }
            // `accounts` is read by `parseSection` once the top level is known.
            if level == .topLevel, key == "accounts" { continue }
            parseKey(key, value, at: keyPath, level: level, into: &settings)
        }
        if level == .account, settings.type != .cloud, !settings.cloudFieldsWritten.isEmpty {
            for key in settings.cloudFieldsWritten {
                reader.report(
                    path.appending(key),
                    "\(ConfigPath.quoted(key)) is only used by Cloud API accounts; add \"type\": \"cloud\" to this account or remove the key"
                )
            }
        }
        return settings
    }

    private mutating func parseKey(
        _ key: String,
        _ value: JSONValue,
        at path: ConfigPath,
        level: Level,
        into settings: inout WhatsAppSettings
    ) {
        switch key {
        case "dmPolicy":
            if let spelling = reader.choice(value, at: path, allowed: WhatsAppSettings.DMPolicy.spellings) {
                settings.dmPolicy = WhatsAppSettings.DMPolicy(spelling: spelling)
                settings.dmPolicyName = spelling
            }
        case "allowFrom": settings.allowFrom = phoneList(value, at: path, isGroupList: false)
        case "groupAllowFrom": settings.groupAllowFrom = phoneList(value, at: path, isGroupList: true)
        case "dmHistoryLimit": settings.dmHistoryLimit = reader.integer(value, at: path, minimum: 0)
        case "historyLimit": settings.historyLimit = reader.integer(value, at: path, minimum: 0)
        case "dms": settings.dms = parseDMs(value, at: path)
        case "selfChatMode": settings.selfChatMode = reader.bool(value, at: path)
        case "sendReadReceipts": settings.sendReadReceipts = reader.bool(value, at: path)
        case "blockStreaming": settings.blockStreaming = reader.bool(value, at: path)
        case "configWrites": settings.configWrites = reader.bool(value, at: path)
        case "enabled": settings.enabled = reader.bool(value, at: path)
        case "groupPolicy":
            settings.groupPolicy = reader.choice(
                value,
                at: path,
                allowed: WhatsAppSettings.GroupPolicy.allCases.map(\.rawValue)
            )
            .flatMap(WhatsAppSettings.GroupPolicy.init(rawValue:))
        case "chunkMode":
            settings.chunkMode = reader.choice(
                value,
                at: path,
                allowed: WhatsAppSettings.ChunkMode.allCases.map(\.rawValue)
            )
            .flatMap(WhatsAppSettings.ChunkMode.init(rawValue:))
        case "groups": settings.groups = parseGroups(value, at: path)
        case "messagePrefix":
            // Not trimmed: the guide's "[Milady] " ends in a space on purpose.
            settings.messagePrefix = reader.string(value, at: path)
        case "textChunkLimit": settings.textChunkLimit = reader.integer(value, at: path, minimum: 1, maximum: 65536)
        case "mediaMaxMb": settings.mediaMaxMb = reader.integer(value, at: path, minimum: 1, maximum: 2048)
        case "debounceMs": settings.debounceMs = reader.integer(value, at: path, minimum: 0, maximum: 600_000)
        case "blockStreamingCoalesce": settings.blockStreamingCoalesce = parseCoalesce(value, at: path)
        case "markdown": settings.markdown = parseMarkdown(value, at: path)
        case "rateLimit": settings.rateLimit = parseRateLimit(value, at: path)
        case "ackReaction": settings.ackReaction = parseAckReaction(value, at: path)
        case "capabilities": settings.capabilities = reader.strings(value, at: path)
        case "heartbeat": settings.heartbeat = parseHeartbeat(value, at: path)
        case "actions": settings.actions = parseActions(value, at: path)
        case "authDir": settings.authDir = parseAuthDir(value, at: path)
        case "name":
            if let name = reader.string(value, at: path) {
                let trimmed = name.configTrimmed()
                settings.name = trimmed.isEmpty ? nil : trimmed
            }
        case "type":
            settings.type = reader.choice(value, at: path, allowed: AccountDefinition.Kind.allCases.map(\.rawValue))
                .flatMap(AccountDefinition.Kind.init(rawValue:))
        case "accessToken", "phoneNumberId", "webhookVerifyToken", "businessAccountId", "appSecret", "graphVersion",
            "graphUrl":
            guard let string = reader.nonEmptyString(value, at: path) else { return }
            var cloud = settings.cloud ?? WhatsAppSettings.CloudFields()
            switch key {
            case "accessToken": cloud.accessToken = string
            case "phoneNumberId": cloud.phoneNumberId = string
            case "webhookVerifyToken": cloud.webhookVerifyToken = string
            case "businessAccountId": cloud.businessAccountId = string
            case "appSecret": cloud.appSecret = string
            case "graphVersion": cloud.graphVersion = string
            default: cloud.graphUrl = string
            }
            settings.cloud = cloud
        default:
            // `validKeys` and this switch list the same keys; a key missing here is a programming
            // error, reported rather than crashing on a user's file.
            reader.report(path, "internal error: the key \(ConfigPath.quoted(key)) is accepted but not read")
        }
    }

    /// The message for a key that is not valid at this level: where it belongs if it is valid
    /// somewhere else, otherwise the closest valid key.
    private func misplacedKeyMessage(_ key: String, level: Level, sectionPath: ConfigPath) -> String {
        let quoted = ConfigPath.quoted(key)
        let whatsapp =
            sectionPath.components.prefix(2).count == 2
            ? ConfigPath(Array(sectionPath.components.prefix(2))) : sectionPath
        switch level {
        case .topLevel:
            if key == "type" {
                return
                    "\"type\" is not allowed at the top level; set it on an account, e.g. \"accounts\": {\"business\": {\"type\": \"cloud\", ...}}"
            }
            if let variable = WhatsAppEnvironmentKeys.variable(forCloudKey: key) {
                return
                    "\(quoted) belongs to a Cloud API account: put it in \(whatsapp).accounts.<id> together with \"type\": \"cloud\", or set \(variable) in the environment or the env section"
            }
            if key == "name" {
                return
                    "\"name\" is only allowed inside an account (\(whatsapp).accounts.<id>.name); the agent's name is the character's top-level \"name\""
            }
        case .account:
            if key == "accounts" { return "accounts cannot be nested inside an account" }
            if key == "actions" { return "\"actions\" is only allowed at the top level (\(whatsapp).actions)" }
        case .group:
            if Self.directMessageKeys.contains(key) {
                return "\(quoted) applies to direct messages, not groups; set it on \(whatsapp) or on an account"
            }
            if Self.sharedKeys.contains(key) || Self.topLevelOnlyKeys.contains(key)
                || Self.accountOnlyKeys.contains(key)
            {
                let allowed = Self.validKeys(.group).sorted().map(ConfigPath.quoted).joined(separator: ", ")
                return "\(quoted) cannot be set per group; a group accepts \(allowed)"
            }
        }
        return ConfigReader.unknownKeyMessage(key, validKeys: Self.validKeys(level))
    }

    // MARK: - Values

    private mutating func phoneList(_ value: JSONValue, at path: ConfigPath, isGroupList: Bool) -> [String]? {
        guard let array = value.arrayValue else {
            reader.report(path, ConfigReader.mismatch(value, expected: "expected an array of phone numbers or \"*\""))
            return nil
        }
        var result: [String] = []
        var valid = true
        for (index, element) in array.enumerated() {
            let elementPath = path.appending(index: index)
            guard let text = element.stringValue else {
                reader.report(elementPath, ConfigReader.mismatch(element, expected: PhoneNumberParser.expectation))
                valid = false
                continue
            }
            if text.configTrimmed().isEmpty { continue }  // OpenClaw drops empty entries too
            switch PhoneNumberParser.parse(text) {
            case .wildcard:
                if !result.contains("*") { result.append("*") }
            case .number(let number):
                if !result.contains(number) { result.append(number) }
            case .groupJID(let jid):
                valid = false
                if isGroupList {
                    reader.report(
                        elementPath,
                        "\(ConfigPath.quoted(text)) is a group JID, but groupAllowFrom lists the phone numbers of the group members who may talk to the agent; to let the agent into that group, add it under \"groups\" instead, e.g. \"groups\": {\(ConfigPath.quoted(jid)): {\"requireMention\": true}}"
                    )
                } else {
                    reader.report(
                        elementPath,
                        "\(ConfigPath.quoted(text)) is a group JID, but allowFrom lists the phone numbers allowed to send direct messages; to let the agent into that group, add it under \"groups\""
                    )
                }
            case .invalid(let reason):
                valid = false
                reader.report(elementPath, "\(ConfigPath.quoted(text)) is not a phone number; \(reason)")
            }
        }
        return valid ? result : nil
    }

    private mutating func parseDMs(_ value: JSONValue, at path: ConfigPath) -> [String: WhatsAppSettings.DMSettings]? {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object mapping phone numbers to {\"historyLimit\": ...}"
            )
        else { return nil }
        var result: [String: WhatsAppSettings.DMSettings] = [:]
        for key in object.keys.sorted() {
            let entryPath = path.appending(key)
            var number: String?
            switch PhoneNumberParser.parse(key) {
            case .number(let parsed): number = parsed
            case .invalid(let reason):
                reader.report(entryPath, "\(ConfigPath.quoted(key)) is not a phone number; \(reason)")
            case .wildcard, .groupJID:
                reader.report(
                    entryPath,
                    "\(ConfigPath.quoted(key)) is not a phone number; dms is keyed by the sender's phone number"
                )
            }
            var settings = WhatsAppSettings.DMSettings()
            let ok = reader.strictObject(object[key]!, at: entryPath, keys: ["historyLimit"]) {
                reader,
                _,
                value,
                path in
                settings.historyLimit = reader.integer(value, at: path, minimum: 0)
            }
            if ok, let number { result[number] = settings }
        }
        return result
    }

    private mutating func parseGroups(_ value: JSONValue, at path: ConfigPath) -> [String: WhatsAppSettings.Group]? {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object mapping group JIDs (or \"*\") to group settings"
            )
        else { return nil }
        var result: [String: WhatsAppSettings.Group] = [:]
        var written: [String: String] = [:]
        for key in object.keys.sorted() {
            let groupPath = path.appending(key)
            let normalized = PhoneNumberParser.groupKey(key)
            if normalized == nil {
                reader.report(
                    groupPath,
                    "\(ConfigPath.quoted(key)) is not a group JID; groups is keyed by group JIDs like \"120363012345678901@g.us\" or \"*\" for every group"
                )
            } else if let other = written[normalized!] {
                reader.report(
                    groupPath,
                    "\(ConfigPath.quoted(key)) is the same group as \(ConfigPath.quoted(other)); list each group once"
                )
            }
            guard
                let entry = reader.object(
                    object[key]!,
                    at: groupPath,
                    expected: "expected an object with the group's settings, e.g. {\"requireMention\": true}"
                )
            else { continue }
            var group = WhatsAppSettings.Group()
            group.overrides = parseLevel(entry, at: groupPath, level: .group)
            if let value = entry["requireMention"] {
                group.requireMention = reader.bool(value, at: groupPath.appending("requireMention"))
            }
            if let value = entry["tools"] { group.tools = parseToolPolicy(value, at: groupPath.appending("tools")) }
            if let value = entry["toolsBySender"] {
                group.toolsBySender = parseToolsBySender(value, at: groupPath.appending("toolsBySender"))
            }
            if let normalized, written[normalized] == nil {
                written[normalized] = key
                result[normalized] = group
            }
        }
        return result
    }

    private mutating func parseToolPolicy(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.ToolPolicy? {
        var policy = WhatsAppSettings.ToolPolicy()
        let ok = reader.strictObject(value, at: path, keys: ["allow", "alsoAllow", "deny"]) {
            reader,
            key,
            value,
            path in
            let list = reader.strings(value, at: path)
            switch key {
            case "allow": policy.allow = list
            case "alsoAllow": policy.alsoAllow = list
            default: policy.deny = list
            }
        }
        if policy.allow != nil, policy.alsoAllow != nil {
            reader.report(
                path.appending("alsoAllow"),
                "\"allow\" and \"alsoAllow\" cannot both be set; use \"allow\" for an exact list or \"alsoAllow\" to add to the defaults"
            )
            return nil
        }
        return ok ? policy : nil
    }

    private mutating func parseToolsBySender(
        _ value: JSONValue,
        at path: ConfigPath
    ) -> [String: WhatsAppSettings.ToolPolicy]? {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object mapping phone numbers to tool policies"
            )
        else { return nil }
        var result: [String: WhatsAppSettings.ToolPolicy] = [:]
        for key in object.keys.sorted() {
            let entryPath = path.appending(key)
            let policy = parseToolPolicy(object[key]!, at: entryPath)
            switch PhoneNumberParser.parse(key) {
            case .number(let number): if let policy { result[number] = policy }
            case .wildcard: if let policy { result["*"] = policy }
            case .groupJID:
                reader.report(
                    entryPath,
                    "\(ConfigPath.quoted(key)) is a group JID; toolsBySender is keyed by the sender's phone number"
                )
            case .invalid(let reason):
                reader.report(entryPath, "\(ConfigPath.quoted(key)) is not a phone number; \(reason)")
            }
        }
        return result
    }

    private mutating func parseCoalesce(
        _ value: JSONValue,
        at path: ConfigPath
    ) -> WhatsAppSettings.BlockStreamingCoalesce? {
        var result = WhatsAppSettings.BlockStreamingCoalesce()
        let ok = reader.strictObject(value, at: path, keys: ["minChars", "maxChars", "idleMs"]) {
            reader,
            key,
            value,
            path in
            switch key {
            case "minChars": result.minChars = reader.integer(value, at: path, minimum: 1)
            case "maxChars": result.maxChars = reader.integer(value, at: path, minimum: 1)
            default: result.idleMs = reader.integer(value, at: path, minimum: 0)
            }
        }
        if let minChars = result.minChars, let maxChars = result.maxChars, minChars > maxChars {
            reader.report(
                path.appending("minChars"),
                "\(minChars) is larger than maxChars (\(maxChars)); minChars must not exceed maxChars"
            )
            return nil
        }
        return ok ? result : nil
    }

    private mutating func parseMarkdown(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.Markdown? {
        var result = WhatsAppSettings.Markdown()
        let ok = reader.strictObject(value, at: path, keys: ["tables"]) { reader, _, value, path in
            result.tables = reader.choice(
                value,
                at: path,
                allowed: WhatsAppSettings.MarkdownTables.allCases.map(\.rawValue)
            )
            .flatMap(WhatsAppSettings.MarkdownTables.init(rawValue:))
        }
        return ok ? result : nil
    }

    private mutating func parseRateLimit(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.RateLimit? {
        var result = WhatsAppSettings.RateLimit()
        let ok = reader.strictObject(
            value,
            at: path,
            keys: ["messagesPerMinute", "burst", "perChatIntervalMs"],
            expected: "expected an object like {\"messagesPerMinute\": 20, \"burst\": 5, \"perChatIntervalMs\": 1000}"
        ) { reader, key, value, path in
            switch key {
            case "messagesPerMinute":
                if let v = reader.integer(value, at: path, minimum: 1) { result.messagesPerMinute = v }
            case "burst": if let v = reader.integer(value, at: path, minimum: 1) { result.burst = v }
            default: if let v = reader.integer(value, at: path, minimum: 0) { result.perChatIntervalMs = v }
            }
        }
        return ok ? result : nil
    }

    private mutating func parseAckReaction(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.AckReaction? {
        var result = WhatsAppSettings.AckReaction()
        let ok = reader.strictObject(
            value,
            at: path,
            keys: ["emoji", "direct", "group"],
            expected: "expected an object like {\"emoji\": \"eyes\", \"direct\": true, \"group\": \"mentions\"}"
        ) { reader, key, value, path in
            switch key {
            case "emoji":
                guard let text = reader.string(value, at: path) else { return }
                result.emoji = Self.emoji(from: text, at: path, reader: &reader)
            case "direct": if let v = reader.bool(value, at: path) { result.direct = v }
            default:
                if let mode = reader.choice(
                    value,
                    at: path,
                    allowed: WhatsAppSettings.AckReaction.GroupMode.allCases.map(\.rawValue)
                ) {
                    result.group = WhatsAppSettings.AckReaction.GroupMode(rawValue: mode) ?? .mentions
                }
            }
        }
        return ok ? result : nil
    }

    /// The emoji for `text`: an emoji as written, or a name from the user guide's style (`"eyes"`,
    /// `":eyes:"`). Empty means no reaction.
    private static func emoji(from text: String, at path: ConfigPath, reader: inout ConfigReader) -> String? {
        let trimmed = text.configTrimmed()
        if trimmed.isEmpty { return nil }
        if !trimmed.unicodeScalars.allSatisfy(\.isASCII) { return trimmed }
        var name = trimmed.lowercased()
        if name.count > 2, name.hasPrefix(":"), name.hasSuffix(":") { name = String(name.dropFirst().dropLast()) }
        if let emoji = WhatsAppSettings.AckReaction.namedEmoji[name] { return emoji }
        let known = ["eyes", "thumbsup", "white_check_mark", "heart", "hourglass", "robot"].map(ConfigPath.quoted)
            .joined(separator: ", ")
        reader.report(
            path,
            "\(ConfigPath.quoted(text)) is not an emoji or a known emoji name; write the emoji itself (\"👀\") or a name such as \(known)"
        )
        return nil
    }

    private mutating func parseHeartbeat(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.Heartbeat? {
        var result = WhatsAppSettings.Heartbeat()
        let ok = reader.strictObject(value, at: path, keys: ["showOk", "showAlerts", "useIndicator"]) {
            reader,
            key,
            value,
            path in
            let flag = reader.bool(value, at: path)
            switch key {
            case "showOk": result.showOk = flag
            case "showAlerts": result.showAlerts = flag
            default: result.useIndicator = flag
            }
        }
        return ok ? result : nil
    }

    private mutating func parseActions(_ value: JSONValue, at path: ConfigPath) -> WhatsAppSettings.Actions? {
        var result = WhatsAppSettings.Actions()
        let ok = reader.strictObject(value, at: path, keys: ["reactions", "sendMessage", "polls"]) {
            reader,
            key,
            value,
            path in
            guard let flag = reader.bool(value, at: path) else { return }
            switch key {
            case "reactions": result.reactions = flag
            case "sendMessage": result.sendMessage = flag
            default: result.polls = flag
            }
        }
        return ok ? result : nil
    }

    private mutating func parseAuthDir(_ value: JSONValue, at path: ConfigPath) -> String? {
        guard let text = reader.nonEmptyString(value, at: path) else { return nil }
        switch ConfigPathResolver.resolve(text, baseDirectory: baseDirectory, homeDirectory: homeDirectory) {
        case .success(let resolved): return resolved
        case .failure(let problem):
            reader.report(path, problem.message)
            return nil
        }
    }

    // MARK: - Rules across keys

    /// `dmPolicy: "open"` needs `"*"` in the effective `allowFrom` (OpenClaw's only custom rule,
    /// reported at the `allowFrom` path as OpenClaw does).
    private mutating func checkOpenPolicy(_ section: Section) {
        let whatsapp = section.path
        let fix =
            "Fix: add \"allowFrom\": [\"*\"] next to \"dmPolicy\": \"open\", or use \"dmPolicy\": \"allowlist\" with the numbers you want"
        let top = section.top
        if top.dmPolicy == .open, !(top.allowFrom ?? []).contains("*") {
            reader.report(
                whatsapp.appending("allowFrom"),
                "\(whatsapp).dmPolicy=\"open\" requires \(whatsapp).allowFrom to include \"*\". \(fix)"
            )
        }
        for (id, account) in section.accounts where account.dmPolicy != nil || account.allowFrom != nil {
            guard (account.dmPolicy ?? top.dmPolicy) == .open else { continue }
            guard !(account.allowFrom ?? top.allowFrom ?? []).contains("*") else { continue }
            let accountPath = whatsapp.appending("accounts").appending(id)
            if account.dmPolicy != nil {
                reader.report(
                    accountPath.appending("allowFrom"),
                    "\(accountPath).dmPolicy=\"open\" requires \(accountPath).allowFrom to include \"*\". \(fix)"
                )
            } else {
                reader.report(
                    accountPath.appending("allowFrom"),
                    "\(whatsapp).dmPolicy=\"open\" (inherited by account \(ConfigPath.quoted(id))) requires \(accountPath).allowFrom to include \"*\". "
                        + "Fix: add \"*\" to \(accountPath).allowFrom, or set \"dmPolicy\": \"allowlist\" on the account"
                )
            }
        }
    }
}

extension WhatsAppSettings {
    /// The Cloud API keys this level writes.
    var cloudFieldsWritten: [String] {
        guard let cloud else { return [] }
        var keys: [String] = []
        if cloud.accessToken != nil { keys.append("accessToken") }
        if cloud.phoneNumberId != nil { keys.append("phoneNumberId") }
        if cloud.webhookVerifyToken != nil { keys.append("webhookVerifyToken") }
        if cloud.businessAccountId != nil { keys.append("businessAccountId") }
        if cloud.appSecret != nil { keys.append("appSecret") }
        if cloud.graphVersion != nil { keys.append("graphVersion") }
        if cloud.graphUrl != nil { keys.append("graphUrl") }
        return keys
    }
}
