import WAGateCore

extension OpenAIReplier {
    /// How to reach an OpenAI chat completions API (OpenAI's own or any compatible server) and what to ask for.
    ///
    /// Its description never shows the API key.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The API root including its version; requests go to `{baseURL}/chat/completions`.
        public var baseURL: String
        /// The bearer token; `nil` sends no `Authorization` header (local servers often need none).
        public var apiKey: String?
        /// Where the key came from (`OPENAI_API_KEY`), named in authentication errors.
        public var apiKeySource: String
        /// The model, e.g. `gpt-4o-mini`, or whatever the compatible server serves.
        public var model: String
        /// The reply's token limit.
        public var maxTokens: Int
        /// The request field that carries ``maxTokens``: OpenAI's current models take
        /// `max_completion_tokens` and reject `max_tokens`; most compatible servers read `max_tokens`.
        public var maxTokensField: String
        /// `temperature`; `nil` leaves the model's default.
        public var temperature: Double?
        /// The longest one attempt may take, from sending the request to the end of the reply.
        public var requestTimeout: Duration
        /// When and how to retry.
        public var retry: RetryPolicy
        /// Whether replies are streamed (`stream: true`).
        public var streaming: Bool
        /// How the provider is named in errors and logs (`OpenAI`, `the OpenAI-compatible server`).
        public var providerName: String

        /// OpenAI's API root.
        public static let defaultBaseURL = "https://api.openai.com/v1"
        /// The model used with OpenAI when the character names none.
        public static let defaultModel = "gpt-4o-mini"

        /// Creates a configuration.
        public init(
            apiKey: String?, apiKeySource: String = "OPENAI_API_KEY", baseURL: String = Configuration.defaultBaseURL,
            model: String = Configuration.defaultModel, maxTokens: Int = 1024, maxTokensField: String = "max_completion_tokens",
            temperature: Double? = nil, requestTimeout: Duration = .seconds(60), retry: RetryPolicy = RetryPolicy(),
            streaming: Bool = true, providerName: String = "OpenAI"
        ) {
            self.apiKey = apiKey
            self.apiKeySource = apiKeySource
            self.baseURL = baseURL
            self.model = model
            self.maxTokens = maxTokens
            self.maxTokensField = maxTokensField
            self.temperature = temperature
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.streaming = streaming
            self.providerName = providerName
        }

        /// The configuration a character asks for.
        ///
        /// | what | read from (first found wins) | `openai` | compatible |
        /// |------|------------------------------|----------|------------|
        /// | API key | variable `OPENAI_API_KEY` | required | optional |
        /// | base URL | `modelEndpointOverride`, variables `OPENAI_BASE_URL`, `OPENAI_API_URL` | `https://api.openai.com/v1` | required |
        /// | model | `settings.model`, variables `OPENAI_MODEL`, `OPENAI_LARGE_MODEL`, `LARGE_OPENAI_MODEL` | `gpt-4o-mini` | required |
        /// | max tokens | `settings.maxTokens`, `settings.modelConfig.maxTokens`, `.maxOutputTokens`, `.max_response_length` | 1024 | 1024 |
        /// | token field | `settings.modelConfig.maxTokensField` | `max_completion_tokens` | `max_tokens` |
        /// | temperature | `settings.temperature`, `settings.modelConfig.temperature` | the model's | the model's |
        /// | timeout | `settings.modelConfig.requestTimeoutMs` | 60000 | 60000 |
        /// | retries | `settings.modelConfig.maxRetries` | 2 | 2 |
        /// | streaming | `settings.modelConfig.stream` | true | true |
        ///
        /// A variable is looked up in the character's `secrets`, `settings.secrets`, `settings`, `env`, then
        /// the environment.
        /// - Parameters:
        ///   - agent: The character.
        ///   - compatible: `true` for `openai-compatible`/`local`: a server of the operator's choosing,
        ///     which must be named (base URL and model) and may need no key.
        /// - Throws: ``ProviderError`` with code ``ProviderError/Code/configuration`` naming what to set.
        public init(agent: AgentDefinition, compatible: Bool = false) throws {
            let lookup = CharacterSettingsLookup(agent: agent)
            let providerName = compatible ? "the OpenAI-compatible server" : "OpenAI"
            let providerLabel = compatible ? "an OpenAI-compatible server" : "\"openai\""
            let key = lookup.variable("OPENAI_API_KEY")
            if key == nil, !compatible {
                throw ProviderError.configuration(
                    "agent \"\(agent.name)\" uses modelProvider \"openai\" but OPENAI_API_KEY is not set; add it to "
                        + "the character's secrets or env section, or to the environment (for a local server without "
                        + "a key use modelProvider \"openai-compatible\")",
                    provider: providerName)
            }
            let settings = try ModelSettings(
                lookup, modelVariables: ["OPENAI_MODEL", "OPENAI_LARGE_MODEL", "LARGE_OPENAI_MODEL"], agentName: agent.name)
            let endpoint =
                lookup.characterString("modelEndpointOverride").map { ("modelEndpointOverride", $0) }
                ?? lookup.variable("OPENAI_BASE_URL", "OPENAI_API_URL")
            let baseURL = try ModelSettings.baseURL(endpoint, agentName: agent.name)
            if compatible, baseURL == nil {
                throw ProviderError.configuration(
                    "agent \"\(agent.name)\" uses \(providerLabel) but OPENAI_BASE_URL is not set; set it to the "
                        + "server's API root, e.g. http://127.0.0.1:11434/v1",
                    provider: providerName)
            }
            if compatible, settings.model == nil {
                throw ProviderError.configuration(
                    "agent \"\(agent.name)\" uses \(providerLabel) but names no model; set settings.model or OPENAI_MODEL",
                    provider: providerName)
            }
            var field = compatible ? "max_tokens" : "max_completion_tokens"
            if let found = lookup.firstSetting([["modelConfig", "maxTokensField"]]) {
                guard let text = found.value.stringValue, ["max_tokens", "max_completion_tokens"].contains(text) else {
                    throw ModelSettings.invalid(
                        found.path, found.value, expected: "\"max_tokens\" or \"max_completion_tokens\"", agent: agent.name)
                }
                field = text
            }
            self.init(
                apiKey: key?.value, apiKeySource: key?.name ?? "OPENAI_API_KEY",
                baseURL: baseURL ?? Self.defaultBaseURL, model: settings.model ?? Self.defaultModel,
                maxTokens: settings.maxTokens ?? 1024, maxTokensField: field, temperature: settings.temperature,
                requestTimeout: settings.requestTimeout ?? .seconds(60), retry: RetryPolicy(maxRetries: settings.maxRetries ?? 2),
                streaming: settings.streaming ?? true, providerName: providerName)
        }

        /// The chat completions endpoint.
        public var chatCompletionsURL: String { baseURL + "/chat/completions" }

        public var description: String {
            "\(providerName)(\(chatCompletionsURL), model: \(model), maxTokens: \(maxTokens), streaming: \(streaming), "
                + "key: \(apiKey == nil ? "none" : "<redacted>"))"
        }
    }
}
