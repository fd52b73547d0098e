import Foundation
import Testing
import WAGateConversation
import WAGateCore

@testable import WAGateProviders

@Suite struct PromptBuilderTests {
    private func roles(_ prompt: ChatPrompt) -> [ChatTurn.Role] { prompt.turns.map(\.role) }

    @Test func systemPromptCarriesTheCharacterAndTheWhatsAppSetting() {
        let agent = Fixtures.agent(extra: [
            "adjectives": ["witty", "kind"],
            "topics": ["tea", "trains"],
            "style": ["all": ["lowercase only"], "chat": ["short answers"], "post": ["hashtags"]],
            "lore": ["Once met {{user1}} on a train"],
        ])
        let system = PromptBuilder().systemPrompt(for: agent, isGroup: false)
        #expect(system.hasPrefix("You are Milady, a friendly assistant."))
        #expect(system.contains("Your name is Milady."))
        #expect(system.contains("- Lives in Tokyo\n- Loves tea"))
        #expect(system.contains("Milady is: witty, kind."))
        #expect(system.contains("Milady knows about: tea, trains."))
        #expect(system.contains("- lowercase only\n- short answers"))
        #expect(!system.contains("hashtags"))
        #expect(system.contains("Once met User on a train"))
        #expect(system.contains("chatting with one person on WhatsApp"))
        #expect(PromptBuilder().systemPrompt(for: agent, isGroup: true).contains("starts with the sender's name"))
    }

    @Test func messageExamplesAreBoundedAndPlaceholdersResolved() {
        let conversation: JSONValue = [
            ["user": "{{user1}}", "content": ["text": "hi {{agentName}}"]],
            ["user": "Milady", "content": ["text": "hey!"]],
            ["user": "{{user2}}", "content": ["text": "me too"]],
        ]
        let agent = Fixtures.agent(extra: ["messageExamples": .array(Array(repeating: conversation, count: 5))])
        var limits = PromptBuilder.Limits()
        limits.maximumExampleConversations = 2
        limits.maximumExampleMessages = 2
        let system = PromptBuilder(limits: limits).systemPrompt(for: agent, isGroup: false)
        #expect(system.contains("User: hi Milady\nMilady: hey!"))
        #expect(!system.contains("User 2: me too"))
        #expect(system.components(separatedBy: "User: hi Milady").count - 1 == 2)
    }

    @Test func historyBecomesAlternatingTurnsEndingWithTheQuestion() {
        let request = Fixtures.request(
            history: [
                Fixtures.entry("hello"), Fixtures.entry("anyone there?"), Fixtures.entry("Hi! I'm here.", fromMe: true),
                Fixtures.entry("what's up"),
            ],
            messages: [Fixtures.message("tell me a joke"), Fixtures.message("a short one")])
        let prompt = PromptBuilder().build(for: request)
        #expect(roles(prompt) == [.user, .assistant, .user])
        #expect(prompt.turns[0].content == "hello\nanyone there?")
        #expect(prompt.turns[1].content == "Hi! I'm here.")
        #expect(prompt.turns[2].content == "what's up\ntell me a joke\na short one")
    }

    @Test func leadingAssistantTurnsAreDroppedAndPrefixesRemoved() {
        let agent = Fixtures.agent(messagePrefix: "[Milady] ")
        let request = Fixtures.request(
            agent: agent,
            history: [
                Fixtures.entry("[Milady] Your pairing code is ABCD1234", fromMe: true), Fixtures.entry("ok done"),
                Fixtures.entry("[Milady] Welcome!", fromMe: true),
            ],
            messages: [Fixtures.message("thanks")])
        let prompt = PromptBuilder().build(for: request)
        #expect(roles(prompt) == [.user, .assistant, .user])
        #expect(prompt.turns[1].content == "Welcome!")
        #expect(!prompt.turns.contains { $0.content.contains("ABCD1234") })
    }

    @Test func groupTurnsNameTheirSpeakers() {
        let alice = "15550002222@s.whatsapp.net"
        let bob = "15550003333@s.whatsapp.net"
        let request = Fixtures.request(
            chat: Fixtures.groupChat,
            history: [
                Fixtures.entry("morning all", chat: Fixtures.groupChat, sender: alice, pushName: "Alice"),
                Fixtures.entry("hi", chat: Fixtures.groupChat, sender: bob),
                Fixtures.entry("Good morning!", chat: Fixtures.groupChat, fromMe: true),
            ],
            messages: [Fixtures.message("@Milady what's the plan?", chat: Fixtures.groupChat, sender: bob)])
        let prompt = PromptBuilder().build(for: request)
        #expect(roles(prompt) == [.user, .assistant, .user])
        #expect(prompt.turns[0].content == "Alice: morning all\n+15550003333: hi")
        #expect(prompt.turns[2].content == "+15550003333: @Milady what's the plan?")
        #expect(prompt.system.contains("WhatsApp group"))
    }

    @Test func quotesMediaAndUnreadableMessages() {
        let quoted = Fixtures.entry("The meeting is at 5", id: "Q1", fromMe: true)
        let request = Fixtures.request(
            history: [
                Fixtures.entry(nil, type: "reaction"), Fixtures.entry(nil, type: "image"), quoted,
            ],
            messages: [Fixtures.message("which day?", quoting: "Q1")])
        let prompt = PromptBuilder().build(for: request)
        #expect(prompt.turns.map(\.content) == [
            "<media:image>", "The meeting is at 5", "[replying to your message: \"The meeting is at 5\"]\nwhich day?",
        ])
    }

    @Test func theBatchBeingAnsweredIsNotRepeatedFromHistory() {
        let question = Fixtures.message("ping", id: "M1")
        let request = Fixtures.request(history: [Fixtures.entry("earlier"), Fixtures.entry("ping", id: "M1")], messages: [question])
        #expect(PromptBuilder().build(for: request).turns.map(\.content) == ["earlier\nping"])
    }

    @Test func sizeBoundDropsTheOldestHistoryFirst() {
        let history = (0..<200).map { index in
            Fixtures.entry("message \(index) " + String(repeating: "x", count: 100), fromMe: index % 2 == 1)
        }
        let builder = PromptBuilder(limits: .init(maximumCharacters: 4_000))
        let prompt = builder.build(for: Fixtures.request(history: history, messages: [Fixtures.message("latest question")]))
        #expect(prompt.characterCount <= 4_000)
        #expect(prompt.turns.last?.content.hasSuffix("latest question") == true)
        #expect(prompt.turns.first?.role == .user)
        let all = prompt.turns.map(\.content).joined(separator: "\n")
        #expect(all.contains("message 199 "))
        #expect(!all.contains("message 0 "))
        #expect(all.components(separatedBy: "message ").count - 1 > 10)
        for (earlier, later) in zip(prompt.turns, prompt.turns.dropFirst()) { #expect(earlier.role != later.role) }
    }

    @Test func anOversizedQuestionIsCutToFit() {
        let builder = PromptBuilder(limits: .init(maximumCharacters: 2_000))
        let prompt = builder.build(
            for: Fixtures.request(history: [Fixtures.entry("old")], messages: [Fixtures.message(String(repeating: "y", count: 10_000))]))
        #expect(prompt.characterCount <= 2_000)
        #expect(prompt.turns.count == 1)
        #expect(prompt.turns[0].content.hasSuffix("…"))
    }

    @Test func placeholdersResolveOnlyKnownTokens() {
        #expect(CharacterProfile.resolvePlaceholders(in: "{{user1}} and {{user3}} meet {{agentName}} {{other}}", agentName: "Eve")
            == "User and User 3 meet Eve {{other}}")
        #expect(CharacterProfile.resolvePlaceholders(in: "unclosed {{user1", agentName: "Eve") == "unclosed {{user1")
    }
}
