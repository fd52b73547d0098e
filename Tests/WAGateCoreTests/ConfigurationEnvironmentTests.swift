import Testing

@testable import WAGateCore

/// `env` sections, the real environment, and the Cloud API account made from `WHATSAPP_*` variables.
extension ConfigurationTests {
    static let cloudEnvironment = [
        "WHATSAPP_ACCESS_TOKEN": "EAAG-token",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "WHATSAPP_WEBHOOK_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_BUSINESS_ACCOUNT_ID": "102290129340398",
    ]

    // MARK: - Precedence

    @Test func fileEnvironmentAppliesAndTheRealEnvironmentWins() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .miladyConfig(
                    json: #"{ "env": { "A": "config", "B": "config", "C": "config", "PORT": 8080 } }"#,
                    file: "milady.json"
                ),
                .character(json: #"{ "name": "X", "env": { "B": "character", "C": "character" } }"#, file: "x.json"),
            ],
            environment: ["C": "process"]
        ).load()
        #expect(configuration.environment["A"] == "config")
        #expect(configuration.environment["B"] == "config")
        #expect(configuration.environment["C"] == "process")
        #expect(configuration.environment["PORT"] == "8080")
        let agent = configuration.agents[0]
        #expect(agent.environment["A"] == "config")
        #expect(agent.environment["B"] == "character")
        #expect(agent.environment["C"] == "process")
        #expect(agent.env == ["B": "character", "C": "character"])
    }

    @Test func badEnvironmentEntriesAreReported() {
        let issues = Self.issues(#"{ "name": "X", "env": { "OK": "1", "LIST": ["a"] } }"#)
        #expect(issues.map(\.description) == [#"test.json: env.LIST: an array is not allowed here; expected a string"#])
    }

    // MARK: - Cloud API account from the environment

    @Test func cloudAccountFromTheProcessEnvironment() throws {
        let agent = try Self.agent(
            Self.character(
                whatsapp: #"{ "accounts": { "default": { "authDir": "./auth" } }, "dmPolicy": "allowlist" }"#
            ),
            environment: Self.cloudEnvironment
        )
        #expect(agent.whatsapp?.accounts.map(\.id) == ["cloud", "default"])
        let cloud = try #require(agent.whatsapp?.account("cloud"))
        #expect(cloud.kind == .cloud)
        #expect(cloud.enabled)
        #expect(cloud.settings.dmPolicy == .allowlist)  // inherits the top level like any account
        #expect(
            cloud.cloud
                == CloudAccountSettings(
                    accessToken: "EAAG-token",
                    phoneNumberId: "106540352242922",
                    webhookVerifyToken: "verify-me",
                    businessAccountId: "102290129340398"
                )
        )
    }

    @Test func cloudAccountFromMiladyEnvSection() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .character(json: Self.character(whatsapp: "{}"), file: "a.json"),
                .miladyConfig(
                    json: #"{ "env": { "WHATSAPP_ACCESS_TOKEN": "from-file", "WHATSAPP_PHONE_NUMBER_ID": "111111" } }"#,
                    file: "milady.json"
                ),
            ],
            environment: ["WHATSAPP_ACCESS_TOKEN": "from-process"]
        ).load()
        let whatsapp = try #require(configuration.agents.first?.whatsapp)
        // The Cloud API was configured, and no session directory: no QR account is invented.
        #expect(whatsapp.accounts.map(\.id) == ["cloud"])
        #expect(whatsapp.account("cloud")?.cloud?.accessToken == "from-process")
        #expect(whatsapp.account("cloud")?.cloud?.phoneNumberId == "111111")
    }

    @Test func explicitCloudAccountTakesMissingCredentialsFromTheEnvironment() throws {
        let agent = try Self.agent(
            Self.character(whatsapp: #"{ "accounts": { "biz": { "type": "cloud", "graphVersion": "v25.0" } } }"#),
            environment: Self.cloudEnvironment
        )
        #expect(agent.whatsapp?.accounts.map(\.id) == ["biz"])
        let cloud = try #require(agent.whatsapp?.account("biz")?.cloud)
        #expect(cloud.accessToken == "EAAG-token")
        #expect(cloud.phoneNumberId == "106540352242922")
        #expect(cloud.graphVersion == "v25.0")
    }

    @Test func cloudAccountWithoutCredentialsIsRefused() {
        let issues = Self.issues(
            Self.character(whatsapp: #"{ "accounts": { "biz": { "type": "cloud", "phoneNumberId": "123" } } }"#)
        )
        #expect(
            issues.map(\.description) == [
                #"test.json: connectors.whatsapp.accounts.biz: a Cloud API account needs "accessToken" and "phoneNumberId"; "accessToken" is missing: set it on the account, or set WHATSAPP_ACCESS_TOKEN (or "enabled": false)"#
            ]
        )
    }

    @Test func onlyTheFirstAgentWithAConnectorClaimsTheEnvironmentAccount() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .character(json: #"{ "name": "No Connector" }"#, file: "a.json"),
                .character(json: #"{ "name": "First", "connectors": { "whatsapp": {} } }"#, file: "b.json"),
                .character(json: #"{ "name": "Second", "connectors": { "whatsapp": {} } }"#, file: "c.json"),
            ],
            environment: Self.cloudEnvironment
        ).load()
        #expect(configuration.agents[0].whatsapp == nil)
        #expect(configuration.agents[1].whatsapp?.accounts.map(\.id) == ["cloud"])
        #expect(configuration.agents[2].whatsapp?.accounts.map(\.id) == ["default"])
    }

    @Test func theOnlyAgentGetsTheEnvironmentAccountWithoutASection() throws {
        let agent = try Self.agent(#"{ "name": "Cloud Only" }"#, environment: Self.cloudEnvironment)
        let whatsapp = try #require(agent.whatsapp)
        #expect(whatsapp.isFromEnvironmentOnly)
        #expect(whatsapp.accounts.map(\.id) == ["cloud"])
        #expect(agent.connectorStatus.isActive)
    }

    @Test func unclaimedEnvironmentAccountIsAWarning() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .character(json: #"{ "name": "A" }"#, file: "a.json"),
                .character(json: #"{ "name": "B" }"#, file: "b.json"),
            ],
            environment: Self.cloudEnvironment
        ).load()
        #expect(configuration.agents.allSatisfy { $0.whatsapp == nil })
        #expect(configuration.warnings.map(\.path) == ["WHATSAPP_PHONE_NUMBER_ID"])
    }

    @Test func halfSetCloudVariablesAreAWarning() throws {
        let configuration = try Self.load(Self.character(whatsapp: "{}"), environment: ["WHATSAPP_ACCESS_TOKEN": "t"])
        #expect(configuration.agents[0].whatsapp?.accounts.map(\.id) == ["default"])
        #expect(
            configuration.warnings.map(\.description) == [
                "WHATSAPP_PHONE_NUMBER_ID: WHATSAPP_ACCESS_TOKEN is set but WHATSAPP_PHONE_NUMBER_ID is not; the Cloud API needs both, so no Cloud API account is made"
            ]
        )
    }

    @Test func characterEnvironmentCloudBelongsToThatCharacter() throws {
        let configuration = try ConfigurationLoader(
            sources: [
                .character(json: #"{ "name": "A", "connectors": { "whatsapp": {} } }"#, file: "a.json"),
                .character(
                    json:
                        #"{ "name": "B", "env": { "WHATSAPP_ACCESS_TOKEN": "b-token", "WHATSAPP_PHONE_NUMBER_ID": "222222" }, "connectors": { "whatsapp": { "accounts": {} } } }"#,
                    file: "b.json"
                ),
            ],
            environment: [:]
        ).load()
        #expect(configuration.agents[0].whatsapp?.accounts.map(\.id) == ["default"])
        #expect(configuration.agents[1].whatsapp?.accounts.map(\.id) == ["cloud"])
        #expect(configuration.agents[1].whatsapp?.account("cloud")?.cloud?.phoneNumberId == "222222")
    }

    @Test func cloudIDTakenByAWebAccountIsRefused() {
        let issues = Self.issues(
            Self.character(whatsapp: #"{ "accounts": { "cloud": {} } }"#),
            environment: Self.cloudEnvironment
        )
        #expect(issues.map(\.path) == ["connectors.whatsapp.accounts.cloud"])
    }
}
