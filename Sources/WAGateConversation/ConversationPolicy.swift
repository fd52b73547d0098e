import Foundation
import WAGateCore

/// Who the agent answers: the direct-message policy, the group policy with its allowlists and mention
/// gating, and whether to send the ack reaction (connector reference §2.1, §3).
///
/// Pure: the caller supplies the senders approved through pairing, and applies the decision.
public struct ConversationPolicy: Sendable {
    /// What to do with one inbound message (it is stored in every case).
    public enum Decision: Sendable, Hashable {
        /// Answer it; `react` says whether the ack reaction goes first.
        case answer(react: Bool)
        /// Do not answer; `reason` is what the log says.
        case ignore(reason: String)
        /// An unknown sender under `dmPolicy: "pairing"`: offer a pairing code.
        case requestPairing(sender: String)
    }

    /// The account's settings.
    public var settings: ResolvedAccountSettings
    /// The character's name, which counts as a mention when a group message contains it.
    public var agentName: String
    /// The account's own number (E.164), when known.
    public var selfPhone: String?
    /// The account's own JIDs (phone-number JID and LID, without device), when known.
    public var selfJIDs: Set<String>

    /// Creates a policy.
    public init(settings: ResolvedAccountSettings, agentName: String, selfPhone: String? = nil, selfJIDs: Set<String> = []) {
        self.settings = settings
        self.agentName = agentName
        self.selfPhone = selfPhone
        self.selfJIDs = selfJIDs
    }

    /// The sender's number: the one the link resolved, else the one in a phone-number JID.
    public static func senderPhone(of message: InboundMessage) -> String? {
        message.sender.phone ?? PhoneNumbers.e164(fromJID: message.sender.jid)
    }

    /// Decides for `message`, given the senders approved through pairing (E.164).
    public func decide(_ message: InboundMessage, approved: Set<String> = []) -> Decision {
        message.isGroup ? decideGroup(message) : decideDirect(message, approved: approved)
    }

    private func decideDirect(_ message: InboundMessage, approved: Set<String>) -> Decision {
        let phone = Self.senderPhone(of: message)
        let isSelfChat = isSelf(chat: message.chat)
        if message.fromMe {
            // The owner typing to someone from the phone is never answered; in the "message yourself"
            // chat only with selfChatMode (the gateway's own replies never get here: they are stored
            // under their ids when queued, so their echoes are duplicates).
            guard isSelfChat, settings.selfChatMode else { return .ignore(reason: "sent by the account itself") }
            return settings.dmPolicy == .disabled ? .ignore(reason: "dmPolicy is disabled") : .answer(react: false)
        }
        if settings.dmPolicy == .disabled { return .ignore(reason: "dmPolicy is disabled") }
        if settings.dmPolicy == .open { return .answer(react: reactsInDirect) }
        let allowed = Set(settings.allowFrom.compactMap(PhoneNumbers.normalize)).union(approved)
        if allowed.contains("*") || phone.map(allowed.contains) == true { return .answer(react: reactsInDirect) }
        if settings.dmPolicy == .pairing, let phone { return .requestPairing(sender: phone) }
        let who = phone ?? message.sender.jid
        return .ignore(reason: "Blocked unauthorized sender \(who) (dmPolicy=\(settings.dmPolicyName))")
    }

    private func decideGroup(_ message: InboundMessage) -> Decision {
        if message.fromMe { return .ignore(reason: "sent by the account itself") }
        let group = settings.settings(forGroup: message.chat)
        switch group.groupPolicy {
        case .disabled:
            return .ignore(reason: "groupPolicy is disabled")
        case .allowlist:
            let list = Set(group.effectiveGroupAllowFrom.compactMap(PhoneNumbers.normalize))
            if list.isEmpty { return .ignore(reason: "Blocked group message (groupPolicy: allowlist, no groupAllowFrom)") }
            guard list.contains("*") || Self.senderPhone(of: message).map(list.contains) == true else {
                return .ignore(
                    reason: "Blocked group message from \(Self.senderPhone(of: message) ?? message.sender.jid) (groupPolicy: allowlist)")
            }
        case .open:
            break
        }
        guard settings.allowsGroup(message.chat) else {
            return .ignore(reason: "Skipping group message \(message.chat) (not in allowlist)")
        }
        let requireMention = settings.requireMention(inGroup: message.chat)
        let mentioned = isMentioned(message)
        if requireMention && !mentioned { return .ignore(reason: "not mentioned") }
        let react: Bool
        switch group.ackReaction?.group ?? .mentions {
        case .always: react = true
        case .mentions: react = mentioned || !requireMention
        case .never: react = false
        }
        return .answer(react: react && hasAckEmoji(group))
    }

    /// An @-mention of the account, a reply to one of its messages, or the agent's name in the text.
    public func isMentioned(_ message: InboundMessage) -> Bool {
        if let context = message.context {
            if context.mentions.contains(where: isSelf(jid:)) { return true }
            if let quoted = context.quotedSender, isSelf(jid: quoted) { return true }
        }
        guard let text = message.content.text, !agentName.isEmpty else { return false }
        return Self.containsWord(agentName, in: text)
    }

    private var reactsInDirect: Bool { (settings.ackReaction?.direct ?? false) && hasAckEmoji(settings) }

    private func hasAckEmoji(_ settings: ResolvedAccountSettings) -> Bool {
        !(settings.ackReaction?.emoji ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    private func isSelf(chat: String) -> Bool { isSelf(jid: chat) }

    private func isSelf(jid: String) -> Bool {
        let bare = Self.bareJID(jid)
        if selfJIDs.contains(bare) { return true }
        if let selfPhone, let phone = PhoneNumbers.e164(fromJID: bare) ?? PhoneNumbers.normalize(bare), phone == selfPhone {
            return true
        }
        return false
    }

    /// `user@server` without a device suffix, lowercased.
    static func bareJID(_ jid: String) -> String {
        let lower = jid.lowercased()
        guard let at = lower.firstIndex(of: "@") else { return lower }
        let user = lower[..<at].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return user + lower[at...]
    }

    /// Whether `word` appears in `text` as a whole word (optionally @-prefixed), ignoring case and
    /// invisible formatting characters.
    static func containsWord(_ word: String, in text: String) -> Bool {
        let invisible: (Unicode.Scalar) -> Bool = { scalar in
            (0x200B...0x200F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
                || (0x2060...0x206F).contains(scalar.value)
        }
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter { !invisible($0) })).lowercased()
        let needle = word.lowercased()
        var searchStart = cleaned.startIndex
        while let range = cleaned.range(of: needle, range: searchStart..<cleaned.endIndex) {
            let before = range.lowerBound == cleaned.startIndex ? nil : cleaned[cleaned.index(before: range.lowerBound)]
            let after = range.upperBound == cleaned.endIndex ? nil : cleaned[range.upperBound]
            let boundary: (Character?) -> Bool = { $0 == nil || !($0!.isLetter || $0!.isNumber || $0 == "_") }
            if boundary(before) && boundary(after) { return true }
            searchStart = range.upperBound
        }
        return false
    }
}
