import AsyncHTTPClient
import Foundation
import Logging
import WAGateConversation
import WAGateCore

/// Chooses the replier for a character's `modelProvider`.
///
/// | `modelProvider` | replier |
/// |-----------------|---------|
/// | `anthropic` | ``AnthropicReplier`` (`ANTHROPIC_API_KEY` required) |
/// | `openai` | ``OpenAIReplier`` against OpenAI (`OPENAI_API_KEY` required, `OPENAI_BASE_URL` optional) |
/// | `openai-compatible`, `local` | ``OpenAIReplier`` against the server at `OPENAI_BASE_URL` (key optional, model required) |
/// | `echo` | `EchoReplier` |
/// | `external` | `nil`: an operator's program answers through the control socket; the caller wires that up |
/// | absent | `anthropic` when an `ANTHROPIC_API_KEY` is found, else `openai` when an `OPENAI_API_KEY` is, as elizaOS picks its model plugin |
///
/// Names are matched ignoring case, and `_` counts as `-`.
///
/// ```swift
/// let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
/// let registry = ModelProviderRegistry(httpClient: httpClient, logger: logger)
/// if let replier = try registry.replier(for: agent) { … } else { /* external */ }
/// // … and at exit, once every agent has stopped:
/// try await httpClient.shutdown()
/// ```
public struct ModelProviderRegistry: Sendable {
    /// Every `modelProvider` name accepted.
    public static let supportedNames = ["anthropic", "openai", "openai-compatible", "local", "echo", "external"]

    /// The client every replier uses; owned (and shut down) by the caller.
    public var httpClient: HTTPClient
    /// How prompts are built.
    public var promptBuilder: PromptBuilder
    /// The parent logger of every replier.
    public var logger: Logger

    /// Creates a registry.
    /// - Parameters:
    ///   - httpClient: One client per process, shared by all agents; the caller shuts it down.
    ///   - promptBuilder: How prompts are built.
    ///   - logger: The parent logger of every replier.
    public init(httpClient: HTTPClient, promptBuilder: PromptBuilder = PromptBuilder(), logger: Logger) {
        self.httpClient = httpClient
        self.promptBuilder = promptBuilder
        self.logger = logger
    }

    /// The replier for `agent`, or `nil` for `external`.
    /// - Throws: ``ProviderError`` with code ``ProviderError/Code/configuration`` for an unknown provider
    ///   (the message lists the supported names), a missing key or an invalid setting.
    public func replier(for agent: AgentDefinition) throws -> (any AgentReplier)? {
        var logger = logger
        logger[metadataKey: "agent"] = "\(agent.slug)"
        switch try Self.providerName(for: agent) {
        case "anthropic":
            return AnthropicReplier(
                configuration: try .init(agent: agent), httpClient: httpClient, promptBuilder: promptBuilder, logger: logger)
        case "openai":
            return OpenAIReplier(
                configuration: try .init(agent: agent), httpClient: httpClient, promptBuilder: promptBuilder, logger: logger)
        case "openai-compatible", "local":
            return OpenAIReplier(
                configuration: try .init(agent: agent, compatible: true), httpClient: httpClient,
                promptBuilder: promptBuilder, logger: logger)
        case "echo":
            return EchoReplier()
        default:
            return nil
        }
    }

    /// The supported name `agent` uses, normalised, after inference when `modelProvider` is absent.
    /// - Throws: ``ProviderError`` when the name is unknown or none can be inferred.
    public static func providerName(for agent: AgentDefinition) throws -> String {
        let list = supportedNames.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let written = agent.modelProvider?.trimmedNonEmpty else {
            let lookup = CharacterSettingsLookup(agent: agent)
            if lookup.variable("ANTHROPIC_API_KEY") != nil { return "anthropic" }
            if lookup.variable("OPENAI_API_KEY") != nil { return "openai" }
            throw ProviderError.configuration(
                "agent \"\(agent.name)\" has no modelProvider and no ANTHROPIC_API_KEY or OPENAI_API_KEY to infer one "
                    + "from; set \"modelProvider\" to one of \(list)")
        }
        let name = written.lowercased().replacingOccurrences(of: "_", with: "-")
        guard supportedNames.contains(name) else {
            throw ProviderError.configuration(
                "agent \"\(agent.name)\" has modelProvider \"\(written)\", which wagate does not support; use one of \(list) "
                    + "(any server speaking OpenAI's chat completions API works as \"openai-compatible\")")
        }
        return name
    }
}
