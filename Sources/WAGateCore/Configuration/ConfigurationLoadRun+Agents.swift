// Building agents and accounts once every file is read: environment precedence, the Cloud API
// account from `WHATSAPP_*` variables, inheritance, and checks across files.

extension ConfigurationLoadRun {
    mutating func finish(processEnvironment: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        // The real environment wins over every file.
        let globalEnvironment = configEnvironment.merging(processEnvironment) { _, process in process }
        let globalCloud = WhatsAppEnvironmentKeys.cloudFields(in: globalEnvironment)
        let globalCloudComplete = globalCloud.accessToken != nil && globalCloud.phoneNumberId != nil
        warnAboutHalfSetCloudVariables(globalCloud, file: nil)

        // A character's own `env` is more specific than milady.json's; the process still wins.
        let environments = characters.map { character in
            configEnvironment.merging(character.env) { _, own in own }.merging(processEnvironment) { _, process in
                process
            }
        }
        let ownsCloud = characters.indices.map { index in
            let cloud = WhatsAppEnvironmentKeys.cloudFields(in: environments[index])
            return cloud.accessToken != nil && cloud.phoneNumberId != nil
                && (cloud.accessToken != globalCloud.accessToken || cloud.phoneNumberId != globalCloud.phoneNumberId)
        }
        for (index, character) in characters.enumerated() where !character.env.isEmpty {
            let cloud = WhatsAppEnvironmentKeys.cloudFields(in: environments[index])
            if cloud.accessToken == nil || cloud.phoneNumberId == nil,
                character.env[WhatsAppEnvironmentKeys.accessToken] != nil
                    || character.env[WhatsAppEnvironmentKeys.phoneNumberID] != nil
            {
                warnAboutHalfSetCloudVariables(cloud, file: character.file)
            }
        }

        // Only one agent may use the Cloud API number from the shared environment: the first with a
        // connectors.whatsapp section, or the only agent.
        var globalClaimant: Int?
        if globalCloudComplete {
            globalClaimant = characters.indices.first { characters[$0].whatsapp != nil && !ownsCloud[$0] }
            if globalClaimant == nil, characters.count == 1, !ownsCloud[0] { globalClaimant = 0 }
            if globalClaimant == nil {
                warnings.append(
                    ConfigIssue(
                        file: nil,
                        path: WhatsAppEnvironmentKeys.phoneNumberID,
                        message:
                            "WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID are set, but no agent has a connectors.whatsapp section to use them; "
                            + "add \"connectors\": {\"whatsapp\": {}} to the character that should answer on that number"
                    )
                )
            }
        }

        var agents: [AgentDefinition] = []
        for index in characters.indices {
            let usesEnvironmentCloud = ownsCloud[index] || index == globalClaimant
            let cloud = usesEnvironmentCloud ? WhatsAppEnvironmentKeys.cloudFields(in: environments[index]) : nil
            let whatsapp = buildConnector(for: index, environmentCloud: cloud)
            let character = characters[index]
            agents.append(
                AgentDefinition(
                    name: character.name ?? "",
                    description: character.description,
                    bio: character.bio,
                    system: character.system,
                    modelProvider: character.modelProvider,
                    settings: character.settings,
                    secrets: character.secrets,
                    env: character.env,
                    environment: environments[index],
                    extra: character.extra,
                    sourceFile: character.file,
                    whatsapp: whatsapp
                )
            )
        }
        checkAcrossAgents(agents)

        let issues = fileIssues + characters.flatMap(\.reader.issues)
        if !issues.isEmpty {
            throw ConfigurationError(issues: orderedByFile(issues))
        }
        return GatewayConfiguration(agents: agents, environment: globalEnvironment, warnings: warnings)
    }

    /// Issues grouped by file in the order the files were given (file-less issues last); the order
    /// inside a file is kept.
    private func orderedByFile(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        issues.enumerated().sorted { a, b in
            let fileA = a.element.file.flatMap { fileOrder[$0] } ?? Int.max
            let fileB = b.element.file.flatMap { fileOrder[$0] } ?? Int.max
            return (fileA, a.offset) < (fileB, b.offset)
        }.map(\.element)
    }

    private mutating func warnAboutHalfSetCloudVariables(_ cloud: WhatsAppSettings.CloudFields, file: String?) {
        if cloud.accessToken != nil, cloud.phoneNumberId == nil {
            warnings.append(
                ConfigIssue(
                    file: file,
                    path: WhatsAppEnvironmentKeys.phoneNumberID,
                    message:
                        "WHATSAPP_ACCESS_TOKEN is set but WHATSAPP_PHONE_NUMBER_ID is not; the Cloud API needs both, so no Cloud API account is made"
                )
            )
        } else if cloud.accessToken == nil, cloud.phoneNumberId != nil {
            warnings.append(
                ConfigIssue(
                    file: file,
                    path: WhatsAppEnvironmentKeys.accessToken,
                    message:
                        "WHATSAPP_PHONE_NUMBER_ID is set but WHATSAPP_ACCESS_TOKEN is not; the Cloud API needs both, so no Cloud API account is made"
                )
            )
        }
    }

    // MARK: - Accounts

    /// The connector of one character. `environmentCloud` is set when this agent uses the
    /// `WHATSAPP_*` variables (it then gets a `cloud` account, or its `type: "cloud"` accounts take
    /// missing credentials from them).
    private mutating func buildConnector(
        for index: Int,
        environmentCloud: WhatsAppSettings.CloudFields?
    ) -> WhatsAppConnectorConfiguration? {
        guard let section = characters[index].whatsapp else {
            guard let environmentCloud, let cloud = Self.cloudSettings(environmentCloud) else { return nil }
            let account = AccountDefinition(
                id: "cloud",
                kind: .cloud,
                enabled: true,
                cloud: cloud,
                configPath: WhatsAppEnvironmentKeys.phoneNumberID
            )
            return WhatsAppConnectorConfiguration(
                accounts: [account],
                hasAccountsKey: false,
                isFromEnvironmentOnly: true
            )
        }
        let whatsapp = section.path
        let top = section.top
        let topEnabled = top.enabled ?? true
        let inherited = ResolvedAccountSettings().applying(top)

        var entries = section.accounts
        var implicitDefault = false
        if section.hasAccountsKey {
            // Milady's pairing route writes a top-level authDir; it belongs to the account `default`.
            if top.authDir != nil, !entries.contains(where: { $0.id == "default" }) {
                entries.append(("default", WhatsAppSettings()))
                implicitDefault = true
            }
        } else if top.authDir != nil || environmentCloud == nil {
            // No accounts: the single account `default`. When the Cloud API variables are set and no
            // session directory is configured, the user set up the Cloud API only, so no QR account.
            entries = [("default", WhatsAppSettings())]
            implicitDefault = true
        }

        var accounts: [AccountDefinition] = []
        for (id, level) in entries {
            let isImplicit = implicitDefault && id == "default"
            let accountPath = isImplicit ? whatsapp : whatsapp.appending("accounts").appending(id)
            let kind = level.type ?? .web
            let enabled = topEnabled && (level.enabled ?? true)
            var authDir = level.authDir
            var authDirPath = level.authDir.map { _ in accountPath.appending("authDir").description }
            if authDir == nil, id == "default", let topAuthDir = top.authDir {
                authDir = topAuthDir
                authDirPath = whatsapp.appending("authDir").description
            }
            var cloud: CloudAccountSettings?
            if kind == .cloud {
                var fields = level.cloud ?? WhatsAppSettings.CloudFields()
                if let environmentCloud { fields.fillMissing(from: environmentCloud) }
                cloud = Self.cloudSettings(fields)
                if cloud == nil, enabled {
                    let missing = [("accessToken", fields.accessToken), ("phoneNumberId", fields.phoneNumberId)].filter
                    { $0.1 == nil }.map(\.0)
                    let variables = missing.compactMap(WhatsAppEnvironmentKeys.variable(forCloudKey:)).joined(
                        separator: " and "
                    )
                    characters[index].reader.report(
                        accountPath,
                        "a Cloud API account needs \"accessToken\" and \"phoneNumberId\"; \(missing.map(ConfigPath.quoted).joined(separator: " and ")) "
                            + "\(missing.count == 1 ? "is" : "are") missing: set \(missing.count == 1 ? "it" : "them") on the account, or set \(variables) (or \"enabled\": false)"
                    )
                }
            }
            accounts.append(
                AccountDefinition(
                    id: id,
                    kind: kind,
                    enabled: enabled,
                    name: level.name,
                    authDir: authDir,
                    settings: inherited.applying(level),
                    cloud: cloud,
                    configPath: accountPath.description,
                    authDirConfigPath: authDirPath
                )
            )
        }

        if let environmentCloud, let cloud = Self.cloudSettings(environmentCloud),
            !entries.contains(where: { $0.settings.type == .cloud })
        {
            if entries.contains(where: { $0.id == "cloud" }) {
                characters[index].reader.report(
                    whatsapp.appending("accounts").appending("cloud"),
                    "the account id \"cloud\" is taken by a web account, so the Cloud API account from WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID "
                        + "cannot be added; rename this account, or add \"type\": \"cloud\" to it to use those variables"
                )
            } else {
                accounts.append(
                    AccountDefinition(
                        id: "cloud",
                        kind: .cloud,
                        enabled: topEnabled,
                        settings: inherited,
                        cloud: cloud,
                        configPath: WhatsAppEnvironmentKeys.phoneNumberID
                    )
                )
            }
        }
        return WhatsAppConnectorConfiguration(
            enabled: topEnabled,
            topLevel: top,
            accounts: accounts,
            hasAccountsKey: section.hasAccountsKey
        )
    }

    private static func cloudSettings(_ fields: WhatsAppSettings.CloudFields) -> CloudAccountSettings? {
        guard let accessToken = fields.accessToken, let phoneNumberId = fields.phoneNumberId else { return nil }
        return CloudAccountSettings(
            accessToken: accessToken,
            phoneNumberId: phoneNumberId,
            webhookVerifyToken: fields.webhookVerifyToken,
            businessAccountId: fields.businessAccountId,
            appSecret: fields.appSecret,
            graphVersion: fields.graphVersion,
            graphUrl: fields.graphUrl
        )
    }

    // MARK: - Across agents

    /// Agent slugs, session directories and Cloud API numbers must each belong to one place only.
    private mutating func checkAcrossAgents(_ agents: [AgentDefinition]) {
        var slugs: [String: Int] = [:]
        var authDirs: [String: (agent: Int, path: String)] = [:]
        var phoneNumbers: [String: (agent: Int, path: String)] = [:]
        for (index, agent) in agents.enumerated() {
            if characters[index].name != nil {
                if agent.slug.isEmpty {
                    characters[index].reader.report(
                        ConfigPath("name"),
                        "\(ConfigPath.quoted(agent.name)) has no letters or digits to make an agent id from; use a name with some ASCII letters or digits"
                    )
                } else if let first = slugs[agent.slug] {
                    let other = agents[first]
                    characters[index].reader.report(
                        ConfigPath("name"),
                        "the agent \(ConfigPath.quoted(agent.name)) has the id \(ConfigPath.quoted(agent.slug)), which \(other.sourceFile) (\(ConfigPath.quoted(other.name))) already uses; give each agent a different name"
                    )
                } else {
                    slugs[agent.slug] = index
                }
            }
            for account in agent.whatsapp?.accounts ?? [] {
                if let authDir = account.authDir {
                    let path = account.authDirConfigPath ?? account.configPath
                    if let first = authDirs[authDir] {
                        let where_ =
                            first.agent == index ? first.path : "\(agents[first.agent].sourceFile): \(first.path)"
                        characters[index].reader.report(
                            Self.configPath(path),
                            "authDir \(ConfigPath.quoted(authDir)) is also used by \(where_); two accounts cannot share one session directory"
                        )
                    } else {
                        authDirs[authDir] = (index, path)
                    }
                }
                if let phoneNumberId = account.cloud?.phoneNumberId {
                    if let first = phoneNumbers[phoneNumberId] {
                        let where_ =
                            first.agent == index ? first.path : "\(agents[first.agent].sourceFile): \(first.path)"
                        characters[index].reader.report(
                            Self.configPath(account.configPath),
                            "phoneNumberId \(ConfigPath.quoted(phoneNumberId)) is also used by \(where_); one Cloud API number can serve one account only"
                        )
                    } else {
                        phoneNumbers[phoneNumberId] = (index, account.configPath)
                    }
                }
            }
        }
    }

    /// A printed path back as a `ConfigPath` (only plain dotted paths are produced for accounts).
    private static func configPath(_ printed: String) -> ConfigPath {
        ConfigPath(printed.split(separator: ".").map { .key(String($0)) })
    }
}

extension WhatsAppSettings.CloudFields {
    /// Takes every field that is not written from `other`.
    mutating func fillMissing(from other: WhatsAppSettings.CloudFields) {
        accessToken = accessToken ?? other.accessToken
        phoneNumberId = phoneNumberId ?? other.phoneNumberId
        webhookVerifyToken = webhookVerifyToken ?? other.webhookVerifyToken
        businessAccountId = businessAccountId ?? other.businessAccountId
        appSecret = appSecret ?? other.appSecret
        graphVersion = graphVersion ?? other.graphVersion
        graphUrl = graphUrl ?? other.graphUrl
    }
}
