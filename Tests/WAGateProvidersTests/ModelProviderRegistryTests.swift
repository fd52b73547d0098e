import AsyncHTTPClient
import Foundation
import Logging
import Testing
import WAGateConversation
import WAGateCore

@testable import WAGateProviders

@Suite struct ModelProviderRegistryTests {
    private func withRegistry<T>(_ body: (ModelProviderRegistry) throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let result = Result { try body(ModelProviderRegistry(httpClient: client, logger: Fixtures.logger())) }
        try await client.shutdown()
        return try result.get()
    }

    @Test func eachProviderNameGetsItsReplier() async throws {
        try await withRegistry { registry in
            let anthropic = try registry.replier(for: Fixtures.agent(secrets: ["ANTHROPIC_API_KEY": "k1"]))
            #expect((anthropic as? AnthropicReplier)?.configuration.apiKey == "k1")
            let openAI = try registry.replier(for: Fixtures.agent(modelProvider: "OpenAI", environment: ["OPENAI_API_KEY": "k2"]))
            #expect((openAI as? OpenAIReplier)?.configuration.baseURL == "https://api.openai.com/v1")
            let local = try registry.replier(
                for: Fixtures.agent(
                    modelProvider: "openai_compatible", settings: ["model": "llama3.2"],
                    env: ["OPENAI_BASE_URL": "http://127.0.0.1:11434/v1/"]))
            let localConfiguration = try #require((local as? OpenAIReplier)?.configuration)
            #expect(localConfiguration.apiKey == nil)
            #expect(localConfiguration.chatCompletionsURL == "http://127.0.0.1:11434/v1/chat/completions")
            #expect(localConfiguration.maxTokensField == "max_tokens")
            #expect(try registry.replier(for: Fixtures.agent(modelProvider: "echo")) is EchoReplier)
            #expect(try registry.replier(for: Fixtures.agent(modelProvider: "external")) == nil)
        }
    }

    @Test func anUnknownProviderListsTheSupportedNames() async throws {
        try await withRegistry { registry in
            let error = #expect(throws: ProviderError.self) { try registry.replier(for: Fixtures.agent(modelProvider: "groq")) }
            #expect(error?.code == .configuration)
            #expect(
                error?.description.hasPrefix(
                    "agent \"Milady\" has modelProvider \"groq\", which wagate does not support; use one of \"anthropic\", "
                        + "\"openai\", \"openai-compatible\", \"local\", \"echo\", \"external\"") == true)
        }
    }

    @Test func aMissingKeyNamesTheVariable() async throws {
        try await withRegistry { registry in
            let anthropic = #expect(throws: ProviderError.self) { try registry.replier(for: Fixtures.agent()) }
            #expect(anthropic?.code == .configuration)
            #expect(anthropic?.description.contains("ANTHROPIC_API_KEY is not set") == true)
            let openAI = #expect(throws: ProviderError.self) { try registry.replier(for: Fixtures.agent(modelProvider: "openai")) }
            #expect(openAI?.description.contains("OPENAI_API_KEY is not set") == true)
            let local = #expect(throws: ProviderError.self) {
                try registry.replier(for: Fixtures.agent(modelProvider: "local", settings: ["model": "llama3.2"]))
            }
            #expect(local?.description.contains("OPENAI_BASE_URL is not set") == true)
            let noModel = #expect(throws: ProviderError.self) {
                try registry.replier(for: Fixtures.agent(modelProvider: "local", env: ["OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"]))
            }
            #expect(noModel?.description.contains("names no model; set settings.model or OPENAI_MODEL") == true)
        }
    }

    @Test func anAbsentProviderIsInferredFromTheKeys() async throws {
        #expect(try ModelProviderRegistry.providerName(for: Fixtures.agent(modelProvider: nil, env: ["OPENAI_API_KEY": "k"])) == "openai")
        #expect(
            try ModelProviderRegistry.providerName(
                for: Fixtures.agent(modelProvider: nil, env: ["OPENAI_API_KEY": "k"], environment: ["ANTHROPIC_API_KEY": "k"]))
                == "anthropic")
        #expect(throws: ProviderError.self) { try ModelProviderRegistry.providerName(for: Fixtures.agent(modelProvider: nil)) }
    }

    @Test func theKeyIsLookedUpInOrder() throws {
        let everywhere = Fixtures.agent(
            settings: ["ANTHROPIC_API_KEY": "from-settings", "secrets": ["ANTHROPIC_API_KEY": "from-settings-secrets"]],
            secrets: ["ANTHROPIC_API_KEY": "from-secrets"], env: ["ANTHROPIC_API_KEY": "from-env"],
            environment: ["ANTHROPIC_API_KEY": "from-environment"])
        #expect(try AnthropicReplier.Configuration(agent: everywhere).apiKey == "from-secrets")
        var agent = everywhere
        agent.secrets = [:]
        #expect(try AnthropicReplier.Configuration(agent: agent).apiKey == "from-settings-secrets")
        agent.settings.removeValue(forKey: "secrets")
        #expect(try AnthropicReplier.Configuration(agent: agent).apiKey == "from-settings")
        agent.settings = [:]
        #expect(try AnthropicReplier.Configuration(agent: agent).apiKey == "from-env")
        agent.env = [:]
        #expect(try AnthropicReplier.Configuration(agent: agent).apiKey == "from-environment")
        agent.environment = ["ANTHROPIC_API_KEY": "   "]
        #expect(throws: ProviderError.self) { try AnthropicReplier.Configuration(agent: agent) }
    }

    @Test func settingsShapeTheRequest() throws {
        let agent = Fixtures.agent(
            settings: [
                "model": "claude-haiku-4-5",
                "modelConfig": ["temperature": 0.3, "max_response_length": 512, "requestTimeoutMs": 15000, "maxRetries": 4, "stream": false],
            ],
            secrets: ["ANTHROPIC_API_KEY": "k"], env: ["ANTHROPIC_BASE_URL": "https://proxy.example/v1/"])
        let configuration = try AnthropicReplier.Configuration(agent: agent)
        #expect(configuration.model == "claude-haiku-4-5")
        #expect(configuration.temperature == 0.3)
        #expect(configuration.maxTokens == 512)
        #expect(configuration.requestTimeout == .seconds(15))
        #expect(configuration.retry.maxRetries == 4)
        #expect(!configuration.streaming)
        #expect(configuration.messagesURL == "https://proxy.example/v1/messages")

        let defaults = try AnthropicReplier.Configuration(agent: Fixtures.agent(env: ["ANTHROPIC_API_KEY": "k", "LARGE_ANTHROPIC_MODEL": "claude-x"]))
        #expect(defaults.model == "claude-x")
        #expect(defaults.maxTokens == 1024)
        #expect(defaults.streaming)
        #expect(defaults.messagesURL == "https://api.anthropic.com/v1/messages")

        let overridden = try OpenAIReplier.Configuration(
            agent: Fixtures.agent(
                modelProvider: "openai", secrets: ["OPENAI_API_KEY": "k"], env: ["OPENAI_BASE_URL": "https://ignored.example/v1"],
                extra: ["modelEndpointOverride": "https://openrouter.example/api/v1"]))
        #expect(overridden.chatCompletionsURL == "https://openrouter.example/api/v1/chat/completions")
        #expect(overridden.model == "gpt-4o-mini")
    }

    @Test func invalidSettingsAreNamed() {
        let key: [String: JSONValue] = ["ANTHROPIC_API_KEY": "k"]
        let cases: [([String: JSONValue], String)] = [
            (["maxTokens": 0], "settings.maxTokens is 0; expected an integer from 1 to 1000000"),
            (["modelConfig": ["temperature": "hot"]], "settings.modelConfig.temperature is \"hot\"; expected a number from 0 to 2"),
            (["model": 5], "settings.model is 5; expected a model name"),
            (["modelConfig": ["stream": "yes"]], "settings.modelConfig.stream is \"yes\"; expected true or false"),
        ]
        for (settings, message) in cases {
            let error = #expect(throws: ProviderError.self) {
                try AnthropicReplier.Configuration(agent: Fixtures.agent(settings: settings, secrets: key))
            }
            #expect(error?.description == "agent \"Milady\": \(message)")
        }
        let url = #expect(throws: ProviderError.self) {
            try AnthropicReplier.Configuration(agent: Fixtures.agent(secrets: key, env: ["ANTHROPIC_BASE_URL": "sk-ant-oops"]))
        }
        #expect(url?.description.contains("ANTHROPIC_BASE_URL must be an http:// or https:// URL") == true)
        #expect(url?.description.contains("sk-ant-oops") == false)
    }

    @Test func configurationsNeverPrintTheKey() throws {
        let anthropic = try AnthropicReplier.Configuration(agent: Fixtures.agent(secrets: ["ANTHROPIC_API_KEY": "sk-ant-secret-value"]))
        #expect(!"\(anthropic)".contains("sk-ant-secret-value"))
        let openAI = OpenAIReplier.Configuration(apiKey: "sk-secret-value")
        #expect(!"\(openAI)".contains("sk-secret-value"))
        #expect("\(openAI)".contains("<redacted>"))
    }
}
