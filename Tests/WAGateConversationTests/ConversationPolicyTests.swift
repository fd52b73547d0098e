import Foundation
import Testing
import WAGateConversation
import WAGateCore

@Suite struct ConversationPolicyTests {
    let alice = "15551234567@s.whatsapp.net"
    let group = "120363000000000001@g.us"
    let me = "15550001111@s.whatsapp.net"

    func policy(_ edit: (inout ResolvedAccountSettings) -> Void) -> ConversationPolicy {
        var settings = ResolvedAccountSettings()
        edit(&settings)
        return ConversationPolicy(settings: settings, agentName: "Milady", selfPhone: "+15550001111", selfJIDs: [me])
    }

    func direct(_ text: String = "hi", from jid: String? = nil, fromMe: Bool = false, chat: String? = nil) -> InboundMessage {
        let sender = jid ?? alice
        return InboundMessage(
            id: "X", chat: chat ?? sender, sender: MessageSender(jid: sender), timestamp: Date(), fromMe: fromMe, content: .text(text))
    }

    func inGroup(_ text: String, from jid: String? = nil, context: MessageContext? = nil) -> InboundMessage {
        InboundMessage(
            id: "G", chat: group, sender: MessageSender(jid: jid ?? alice), timestamp: Date(), content: .text(text), context: context)
    }

    @Test func dmPolicies() {
        let open = policy { $0.dmPolicy = .open; $0.allowFrom = ["*"] }
        #expect(open.decide(direct()) == .answer(react: false))
        let allowlist = policy { $0.dmPolicy = .allowlist; $0.dmPolicyName = "allowlist"; $0.allowFrom = ["+1 555 123 4567"] }
        #expect(allowlist.decide(direct()) == .answer(react: false))
        #expect(
            allowlist.decide(direct(from: "15559999999@s.whatsapp.net"))
                == .ignore(reason: "Blocked unauthorized sender +15559999999 (dmPolicy=allowlist)"))
        let pairing = policy { $0.dmPolicy = .pairing }
        #expect(pairing.decide(direct()) == .requestPairing(sender: "+15551234567"))
        #expect(pairing.decide(direct(), approved: ["+15551234567"]) == .answer(react: false))
        let disabled = policy { $0.dmPolicy = .disabled; $0.dmPolicyName = "closed" }
        #expect(disabled.decide(direct()) == .ignore(reason: "dmPolicy is disabled"))
        // A device suffix does not change who the sender is.
        #expect(allowlist.decide(direct(from: "15551234567:12@s.whatsapp.net")) == .answer(react: false))
    }

    @Test func ownMessagesAreAnsweredOnlyInSelfChatWithSelfChatMode() {
        let off = policy { $0.dmPolicy = .open; $0.allowFrom = ["*"] }
        #expect(off.decide(direct(from: me, fromMe: true, chat: me)) == .ignore(reason: "sent by the account itself"))
        let on = policy { $0.dmPolicy = .allowlist; $0.allowFrom = ["+15550001111"]; $0.selfChatMode = true }
        #expect(on.decide(direct(from: me, fromMe: true, chat: me)) == .answer(react: false))
        #expect(on.decide(direct(from: me, fromMe: true, chat: alice)) == .ignore(reason: "sent by the account itself"))
    }

    @Test func ackReactionInDirectChats() {
        let react = policy {
            $0.dmPolicy = .open
            $0.allowFrom = ["*"]
            $0.ackReaction = .init(emoji: "👀", direct: true)
        }
        #expect(react.decide(direct()) == .answer(react: true))
        let quiet = policy {
            $0.dmPolicy = .open
            $0.allowFrom = ["*"]
            $0.ackReaction = .init(emoji: "👀", direct: false)
        }
        #expect(quiet.decide(direct()) == .answer(react: false))
    }

    @Test func groupPolicies() {
        let disabled = policy { $0.groupPolicy = .disabled }
        #expect(disabled.decide(inGroup("Milady?")) == .ignore(reason: "groupPolicy is disabled"))
        let noList = policy { $0.groupPolicy = .allowlist }
        #expect(noList.decide(inGroup("Milady?")) == .ignore(reason: "Blocked group message (groupPolicy: allowlist, no groupAllowFrom)"))
        let fallback = policy { $0.groupPolicy = .allowlist; $0.allowFrom = ["+15551234567"] }
        #expect(fallback.decide(inGroup("hey Milady")) == .answer(react: false))
        let list = policy { $0.groupPolicy = .allowlist; $0.groupAllowFrom = ["+15550000000"]; $0.allowFrom = ["+15551234567"] }
        #expect(list.decide(inGroup("hey Milady")) == .ignore(reason: "Blocked group message from +15551234567 (groupPolicy: allowlist)"))
        let open = policy { $0.groupPolicy = .open }
        #expect(open.decide(inGroup("hey Milady")) == .answer(react: false))
        #expect(open.decide(inGroup("hey all")) == .ignore(reason: "not mentioned"))
        let listed = policy { $0.groupPolicy = .open; $0.groups = ["other@g.us": .init()] }
        #expect(listed.decide(inGroup("hey Milady")) == .ignore(reason: "Skipping group message \(group) (not in allowlist)"))
        let noMention = policy { $0.groupPolicy = .open; $0.groups = ["*": .init(requireMention: false)] }
        #expect(noMention.decide(inGroup("hey all")) == .answer(react: false))
    }

    @Test func mentions() {
        let p = policy { $0.groupPolicy = .open }
        #expect(p.isMentioned(inGroup("@15550001111 hi", context: MessageContext(mentions: ["15550001111@s.whatsapp.net"]))))
        #expect(p.isMentioned(inGroup("hi", context: MessageContext(mentions: ["15550001111:3@s.whatsapp.net"]))))
        #expect(!p.isMentioned(inGroup("hi", context: MessageContext(mentions: ["15559999999@s.whatsapp.net"]))))
        #expect(p.isMentioned(inGroup("yes", context: MessageContext(quotedMessageID: "Q", quotedSender: me))))
        #expect(p.isMentioned(inGroup("what does MILADY think?")))
        #expect(p.isMentioned(inGroup("Mil\u{200B}ady, hi")))
        #expect(!p.isMentioned(inGroup("miladyfan says hi")))
    }

    @Test func groupAckReactionModes() {
        func deciding(_ mode: WhatsAppSettings.AckReaction.GroupMode, requireMention: Bool, text: String) -> ConversationPolicy.Decision {
            policy {
                $0.groupPolicy = .open
                $0.groups = ["*": .init(requireMention: requireMention)]
                $0.ackReaction = .init(emoji: "👀", group: mode)
            }.decide(inGroup(text))
        }
        #expect(deciding(.mentions, requireMention: true, text: "Milady?") == .answer(react: true))
        #expect(deciding(.mentions, requireMention: false, text: "hi") == .answer(react: true))
        #expect(deciding(.never, requireMention: true, text: "Milady?") == .answer(react: false))
        #expect(deciding(.always, requireMention: false, text: "hi") == .answer(react: true))
    }
}
