// Display form of the resolved settings (`wagate check`, the control API's account view). The
// settings hold no secrets, so everything is shown.

extension ResolvedAccountSettings {
    /// Every setting under its configuration key, with its resolved value.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "dmPolicy": .string(dmPolicyName),
            "allowFrom": .array(allowFrom.map(JSONValue.string)),
            "dmHistoryLimit": .int(Int64(dmHistoryLimit)),
            "selfChatMode": .bool(selfChatMode),
            "groupPolicy": .string(groupPolicy.rawValue),
            "historyLimit": .int(Int64(historyLimit)),
            "textChunkLimit": .int(Int64(textChunkLimit)),
            "chunkMode": .string(chunkMode.rawValue),
            "blockStreaming": .bool(blockStreaming),
            "markdown": ["tables": .string(markdownTables.rawValue)],
            "rateLimit": [
                "messagesPerMinute": .int(Int64(rateLimit.messagesPerMinute)),
                "burst": .int(Int64(rateLimit.burst)),
                "perChatIntervalMs": .int(Int64(rateLimit.perChatIntervalMs)),
            ],
            "sendReadReceipts": .bool(sendReadReceipts),
            "mediaMaxMb": .int(Int64(mediaMaxMb)),
            "debounceMs": .int(Int64(debounceMs)),
            "capabilities": .array(capabilities.map(JSONValue.string)),
            "configWrites": .bool(configWrites),
            "actions": [
                "reactions": .bool(actions.reactions), "sendMessage": .bool(actions.sendMessage),
                "polls": .bool(actions.polls),
            ],
        ]
        if let groupAllowFrom { object["groupAllowFrom"] = .array(groupAllowFrom.map(JSONValue.string)) }
        if let messagePrefix { object["messagePrefix"] = .string(messagePrefix) }
        if !dms.isEmpty {
            object["dms"] = .object(
                dms.mapValues { dm in
                    dm.historyLimit.map { ["historyLimit": .int(Int64($0))] } ?? [:]
                }
            )
        }
        if !groups.isEmpty { object["groups"] = .object(groups.mapValues(Self.json(group:))) }
        if let coalesce = blockStreamingCoalesce { object["blockStreamingCoalesce"] = Self.json(coalesce) }
        if let ackReaction {
            var ack: [String: JSONValue] = [
                "direct": .bool(ackReaction.direct), "group": .string(ackReaction.group.rawValue),
            ]
            if let emoji = ackReaction.emoji { ack["emoji"] = .string(emoji) }
            object["ackReaction"] = .object(ack)
        }
        if let heartbeat {
            var beat: [String: JSONValue] = [:]
            if let value = heartbeat.showOk { beat["showOk"] = .bool(value) }
            if let value = heartbeat.showAlerts { beat["showAlerts"] = .bool(value) }
            if let value = heartbeat.useIndicator { beat["useIndicator"] = .bool(value) }
            object["heartbeat"] = .object(beat)
        }
        return .object(object)
    }

    private static func json(_ coalesce: WhatsAppSettings.BlockStreamingCoalesce) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let value = coalesce.minChars { object["minChars"] = .int(Int64(value)) }
        if let value = coalesce.maxChars { object["maxChars"] = .int(Int64(value)) }
        if let value = coalesce.idleMs { object["idleMs"] = .int(Int64(value)) }
        return .object(object)
    }

    private static func json(_ policy: WhatsAppSettings.ToolPolicy) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let value = policy.allow { object["allow"] = .array(value.map(JSONValue.string)) }
        if let value = policy.alsoAllow { object["alsoAllow"] = .array(value.map(JSONValue.string)) }
        if let value = policy.deny { object["deny"] = .array(value.map(JSONValue.string)) }
        return .object(object)
    }

    private static func json(group: WhatsAppSettings.Group) -> JSONValue {
        var object: [String: JSONValue] = ["requireMention": .bool(group.requireMention ?? true)]
        if let tools = group.tools { object["tools"] = json(tools) }
        if let bySender = group.toolsBySender { object["toolsBySender"] = .object(bySender.mapValues(json)) }
        // Show only the keys the group overrides: applying them to the defaults and keeping the
        // written keys would need the raw level, which is what `overrides` is.
        let overrides = ResolvedAccountSettings().applying(group.overrides).jsonValue.objectValue ?? [:]
        for key in group.overrides.writtenKeys { object[key] = overrides[key] }
        return .object(object)
    }
}

extension WhatsAppSettings {
    /// The configuration keys this level writes.
    var writtenKeys: [String] {
        var keys: [String] = []
        func add(_ key: String, _ present: Bool) { if present { keys.append(key) } }
        add("dmPolicy", dmPolicy != nil)
        add("allowFrom", allowFrom != nil)
        add("dmHistoryLimit", dmHistoryLimit != nil)
        add("dms", dms != nil)
        add("selfChatMode", selfChatMode != nil)
        add("groupPolicy", groupPolicy != nil)
        add("groupAllowFrom", groupAllowFrom != nil)
        add("groups", groups != nil)
        add("historyLimit", historyLimit != nil)
        add("messagePrefix", messagePrefix != nil)
        add("textChunkLimit", textChunkLimit != nil)
        add("chunkMode", chunkMode != nil)
        add("blockStreaming", blockStreaming != nil)
        add("blockStreamingCoalesce", blockStreamingCoalesce != nil)
        add("markdown", markdown != nil)
        add("rateLimit", rateLimit != nil)
        add("sendReadReceipts", sendReadReceipts != nil)
        add("mediaMaxMb", mediaMaxMb != nil)
        add("debounceMs", debounceMs != nil)
        add("ackReaction", ackReaction != nil)
        add("capabilities", capabilities != nil)
        add("configWrites", configWrites != nil)
        add("heartbeat", heartbeat != nil)
        add("actions", actions != nil)
        return keys
    }
}
