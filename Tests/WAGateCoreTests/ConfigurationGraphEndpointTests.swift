import Testing

@testable import WAGateCore

/// The Graph API version and base URL of Cloud API accounts: `WHATSAPP_GRAPH_VERSION`,
/// `WHATSAPP_GRAPH_URL`, the older `WHATSAPP_API_VERSION`, and the per-account keys.
extension ConfigurationTests {
    @Test func graphVersionAndURLComeFromTheEnvironment() throws {
        var environment = Self.cloudEnvironment
        environment["WHATSAPP_GRAPH_VERSION"] = "v24.0"
        environment["WHATSAPP_GRAPH_URL"] = "http://127.0.0.1:9000"
        let agent = try Self.agent(Self.character(whatsapp: "{}"), environment: environment)
        let cloud = try #require(agent.whatsapp?.account("cloud")?.cloud)
        #expect(cloud.graphVersion == "v24.0")
        #expect(cloud.graphUrl == "http://127.0.0.1:9000")
    }

    @Test func theOlderVersionVariableIsAnAlias() throws {
        var environment = Self.cloudEnvironment
        environment["WHATSAPP_API_VERSION"] = "v23.0"
        let agent = try Self.agent(Self.character(whatsapp: "{}"), environment: environment)
        #expect(agent.whatsapp?.account("cloud")?.cloud?.graphVersion == "v23.0")
    }

    @Test func theNewVersionVariableWinsOverTheAlias() throws {
        var environment = Self.cloudEnvironment
        environment["WHATSAPP_API_VERSION"] = "v23.0"
        environment["WHATSAPP_GRAPH_VERSION"] = "v25.0"
        let agent = try Self.agent(Self.character(whatsapp: "{}"), environment: environment)
        #expect(agent.whatsapp?.account("cloud")?.cloud?.graphVersion == "v25.0")
    }

    @Test func unsetGraphEndpointMeansTheDefaults() throws {
        let agent = try Self.agent(Self.character(whatsapp: "{}"), environment: Self.cloudEnvironment)
        let cloud = try #require(agent.whatsapp?.account("cloud")?.cloud)
        #expect(cloud.graphVersion == nil)
        #expect(cloud.graphUrl == nil)
        #expect(CloudAccountSettings.defaultGraphVersion == "v25.0")
        #expect(CloudAccountSettings.defaultGraphURL == "https://graph.facebook.com")
    }

    @Test func theAccountsOwnGraphEndpointWinsOverTheEnvironment() throws {
        var environment = Self.cloudEnvironment
        environment["WHATSAPP_GRAPH_VERSION"] = "v24.0"
        environment["WHATSAPP_GRAPH_URL"] = "http://127.0.0.1:9000"
        let agent = try Self.agent(
            Self.character(
                whatsapp: #"{ "accounts": { "biz": { "type": "cloud", "graphVersion": "v26.0", "graphUrl": "http://graph.test" } } }"#
            ),
            environment: environment
        )
        let cloud = try #require(agent.whatsapp?.account("biz")?.cloud)
        #expect(cloud.graphVersion == "v26.0")
        #expect(cloud.graphUrl == "http://graph.test")
    }

    @Test func anExplicitAccountTakesTheGraphEndpointFromTheEnvironment() throws {
        var environment = Self.cloudEnvironment
        environment["WHATSAPP_GRAPH_URL"] = "http://127.0.0.1:9000"
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "accounts": { "biz": { "type": "cloud" } } }"#),
            environment: environment
        )
        #expect(agent.whatsapp?.account("biz")?.cloud?.graphUrl == "http://127.0.0.1:9000")
    }

    @Test func misplacedGraphURLNamesItsVariable() {
        let issues = Self.issues(Self.character(whatsapp: #"{ "graphUrl": "http://graph.test" }"#))
        #expect(issues.count == 1)
        #expect(issues.first?.description.contains("WHATSAPP_GRAPH_URL") == true)
    }

    @Test func everyGraphVariableIsListed() {
        #expect(WhatsAppEnvironmentKeys.all.contains("WHATSAPP_GRAPH_VERSION"))
        #expect(WhatsAppEnvironmentKeys.all.contains("WHATSAPP_GRAPH_URL"))
        #expect(WhatsAppEnvironmentKeys.all.contains("WHATSAPP_API_VERSION"))
    }
}
