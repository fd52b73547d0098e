import Foundation
import SwiftProtobuf
import WAGateCrypto
import WAProto

/// How the gateway presents itself to the server in every ClientPayload (reference §2).
public struct ClientIdentity: Sendable, Equatable {
    /// The WhatsApp Web version announced (primary, secondary, tertiary).
    public var version: (primary: UInt32, secondary: UInt32, tertiary: UInt32)
    /// The OS name shown on the phone's Linked Devices list.
    public var osName: String
    /// Locale announced in the user agent.
    public var language: String
    /// Country announced in the user agent.
    public var country: String

    /// Creates an identity; the defaults are a current WhatsApp Web version and "wagate".
    public init(
        version: (primary: UInt32, secondary: UInt32, tertiary: UInt32) = (2, 3000, 1_045_649_367), osName: String = "wagate",
        language: String = "en", country: String = "US"
    ) {
        self.version = version
        self.osName = osName
        self.language = language
        self.country = country
    }

    /// `primary.secondary.tertiary`, whose MD5 is the registration payload's build hash.
    public var versionString: String { "\(version.primary).\(version.secondary).\(version.tertiary)" }

    public static func == (a: ClientIdentity, b: ClientIdentity) -> Bool {
        a.version == b.version && a.osName == b.osName && a.language == b.language && a.country == b.country
    }
}

/// The ClientPayload sent inside the Noise ClientFinish: registration for a new device (§2.1), login for
/// a paired one (§2.2).
public enum ClientPayloads {
    /// The fields every payload carries: user agent, web info, connection type and reason.
    public static func common(_ identity: ClientIdentity) -> WA6_ClientPayload {
        var agent = WA6_ClientPayload.UserAgent()
        agent.platform = .web
        agent.appVersion.primary = identity.version.primary
        agent.appVersion.secondary = identity.version.secondary
        agent.appVersion.tertiary = identity.version.tertiary
        agent.mcc = "000"
        agent.mnc = "000"
        agent.osVersion = "0.1"
        agent.manufacturer = ""
        agent.device = "Desktop"
        agent.osBuildNumber = "0.1"
        agent.releaseChannel = .release
        agent.localeLanguageIso6391 = identity.language
        agent.localeCountryIso31661Alpha2 = identity.country
        var payload = WA6_ClientPayload()
        payload.userAgent = agent
        payload.webInfo.webSubPlatform = .webBrowser
        payload.connectType = .wifiUnknown
        payload.connectReason = .userActivated
        return payload
    }

    /// The companion's DeviceProps (shown on the phone; history sync wishes).
    public static func deviceProps(_ identity: ClientIdentity) -> WACompanionReg_DeviceProps {
        var props = WACompanionReg_DeviceProps()
        props.os = identity.osName
        props.version.primary = 0
        props.version.secondary = 1
        props.version.tertiary = 0
        props.platformType = .desktop
        props.requireFullSync = false
        var history = WACompanionReg_DeviceProps.HistorySyncConfig()
        history.storageQuotaMb = 10240
        history.inlineInitialPayloadInE2EeMsg = true
        history.supportCallLogHistory = true
        history.supportBotUserAgentChatHistory = true
        history.supportCagReactionsAndPolls = true
        history.supportBizHostedMsg = true
        history.supportRecentSyncChunkMessageCountTuning = true
        history.supportHostedGroupMsg = true
        history.supportFbidBotChatHistory = true
        history.supportMessageAssociation = true
        history.supportGroupHistory = true
        history.thumbnailSyncDaysLimit = 60
        props.historySyncConfig = history
        return props
    }

    /// §2.1: a new device. No username or device; passive and pull false; the registration data built
    /// from the given public parts.
    public static func registration(
        registrationID: UInt32, identityPublicKey: [UInt8], signedPreKeyID: UInt32, signedPreKeyPublicKey: [UInt8],
        signedPreKeySignature: [UInt8], identity: ClientIdentity = ClientIdentity()
    ) throws -> WA6_ClientPayload {
        var payload = common(identity)
        payload.passive = false
        payload.pull = false
        var pairing = WA6_ClientPayload.DevicePairingRegistrationData()
        pairing.eRegid = Data(DeviceCredentials.bigEndian(registrationID))
        pairing.eKeytype = Data([0x05])
        pairing.eIdent = Data(identityPublicKey)
        pairing.eSkeyID = Data(DeviceCredentials.bigEndian(signedPreKeyID).dropFirst())  // 3 bytes
        pairing.eSkeyVal = Data(signedPreKeyPublicKey)
        pairing.eSkeySig = Data(signedPreKeySignature)
        pairing.buildHash = Data(MD5.hash(Array(identity.versionString.utf8)))
        pairing.deviceProps = try deviceProps(identity).serializedBytes()
        payload.devicePairingData = pairing
        return payload
    }

    /// §2.1 for `credentials`.
    public static func registration(_ credentials: DeviceCredentials, identity: ClientIdentity = ClientIdentity()) throws
        -> WA6_ClientPayload
    {
        try registration(
            registrationID: credentials.registrationID, identityPublicKey: credentials.identityKey.publicKey,
            signedPreKeyID: credentials.signedPreKey.id, signedPreKeyPublicKey: credentials.signedPreKey.keyPair.publicKey,
            signedPreKeySignature: credentials.signedPreKey.signature, identity: identity)
    }

    /// §2.2: a paired device. Username and device from the stored JID; passive and pull true.
    public static func login(
        username: UInt64, device: UInt32, pushName: String?, identity: ClientIdentity = ClientIdentity()
    ) -> WA6_ClientPayload {
        var payload = common(identity)
        payload.username = username
        payload.device = device
        payload.passive = true
        payload.pull = true
        payload.lidDbMigrated = true
        payload.lc = 1
        if let pushName { payload.pushName = pushName }
        return payload
    }
}
