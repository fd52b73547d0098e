import Foundation
import SwiftProtobuf
import Testing
import WAProto

/// (a) The ClientPayloads our code builds, read by WhatsApp's own definitions (neonize's waWa6): every
/// field equal by number, type and value, the same bytes when neonize re-serialises, and the meaning by
/// neonize's field names. These never skip: without `WAGATE_PYTHON` they fail and say how to run them.
@Suite struct ClientPayloadInteropTests {
    @Test func registrationPayloadParsesInNeonizeWithEveryFieldEqual() async throws {
        let response = try await Neonize.response.value
        let payload = try SwiftBuilt.registrationPayload()
        let parsed = try response.parsed("registration")
        try expectSameFields(payload, parsed.canon)
        #expect(Hex.encode(try payload.serializedBytes() as [UInt8]) == parsed.reserialized)

        let named = parsed.named
        #expect(named["username"] == nil)
        #expect(named["device"] == nil)
        #expect(named["passive"] == .bool(false))
        #expect(named["pull"] == .bool(false))
        #expect(named["connectType"] == .string("WIFI_UNKNOWN"))
        #expect(named["connectReason"] == .string("USER_ACTIVATED"))
        #expect(named["webInfo"]?["webSubPlatform"] == .string("WEB_BROWSER"))
        let agent = try #require(named["userAgent"])
        #expect(agent["platform"] == .string("WEB"))
        #expect(agent["appVersion"]?["primary"] == .number(2))
        #expect(agent["appVersion"]?["secondary"] == .number(3000))
        #expect(agent["appVersion"]?["tertiary"] == .number(1_045_649_367))
        #expect(agent["mcc"] == .string("000"))
        #expect(agent["mnc"] == .string("000"))
        #expect(agent["osVersion"] == .string("0.1"))
        #expect(agent["manufacturer"] == .string(""))
        #expect(agent["device"] == .string("Desktop"))
        #expect(agent["osBuildNumber"] == .string("0.1"))
        #expect(agent["releaseChannel"] == .string("RELEASE"))
        #expect(agent["localeLanguageIso6391"] == .string("en"))
        #expect(agent["localeCountryIso31661Alpha2"] == .string("US"))

        let pairing = try #require(named["devicePairingData"])
        #expect(pairing["eRegid"] == .bytes([0x1A, 0x2B, 0x3C, 0x4D]))
        #expect(pairing["eKeytype"] == .bytes([0x05]))
        #expect(pairing["eIdent"] == .bytes(SwiftBuilt.bytes(32, seed: 1)))
        #expect(pairing["eSkeyID"] == .bytes([0, 0, 1]))
        #expect(pairing["eSkeyVal"] == .bytes(SwiftBuilt.bytes(32, seed: 2)))
        #expect(pairing["eSkeySig"] == .bytes(SwiftBuilt.bytes(64, seed: 3)))
        #expect(pairing["buildHash"] == .bytes(SwiftBuilt.buildHash))
        #expect(Hex.encode(SwiftBuilt.buildHash) == response.facts["md5:\(SwiftBuilt.versionString)"])
        #expect(pairing["deviceProps"] == .bytes(try SwiftBuilt.deviceProps().serializedBytes() as [UInt8]))
    }

    @Test func devicePropsParseInNeonizeWithEveryFieldEqual() async throws {
        let response = try await Neonize.response.value
        let props = SwiftBuilt.deviceProps()
        let parsed = try response.parsed("registration.deviceProps")
        try expectSameFields(props, parsed.canon)
        #expect(Hex.encode(try props.serializedBytes() as [UInt8]) == parsed.reserialized)
        #expect(parsed.named["os"] == .string("wagate"))
        #expect(parsed.named["platformType"] == .string("DESKTOP"))
        #expect(parsed.named["requireFullSync"] == .bool(false))
        #expect(parsed.named["version"]?["secondary"] == .number(1))
        let history = try #require(parsed.named["historySyncConfig"])
        #expect(history["storageQuotaMb"] == .number(10240))
        #expect(history["inlineInitialPayloadInE2EeMsg"] == .bool(true))
        #expect(history["supportGroupHistory"] == .bool(true))
        #expect(history["thumbnailSyncDaysLimit"] == .number(60))
    }

    @Test func loginPayloadParsesInNeonizeWithEveryFieldEqual() async throws {
        let response = try await Neonize.response.value
        let payload = SwiftBuilt.loginPayload()
        let parsed = try response.parsed("login")
        try expectSameFields(payload, parsed.canon)
        #expect(Hex.encode(try payload.serializedBytes() as [UInt8]) == parsed.reserialized)

        let named = parsed.named
        #expect(named["username"] == .string("12025550123"))  // uint64: MessageToDict writes a string
        #expect(named["device"] == .number(7))
        #expect(named["passive"] == .bool(true))
        #expect(named["pull"] == .bool(true))
        #expect(named["lidDbMigrated"] == .bool(true))
        #expect(named["lc"] == .number(1))
        #expect(named["pushName"] == .string("wagate ✓"))
        #expect(named["connectType"] == .string("WIFI_UNKNOWN"))
        #expect(named["connectReason"] == .string("USER_ACTIVATED"))
        #expect(named["userAgent"]?["platform"] == .string("WEB"))
        #expect(named["webInfo"]?["webSubPlatform"] == .string("WEB_BROWSER"))
        #expect(named["devicePairingData"] == nil)
    }

    @Test func handshakeFramesParseInNeonize() async throws {
        let response = try await Neonize.response.value
        let hello = SwiftBuilt.clientHello()
        let parsedHello = try response.parsed("clientHello")
        try expectSameFields(hello, parsedHello.canon)
        #expect(parsedHello.named["clientHello"]?["ephemeral"] == .bytes(SwiftBuilt.bytes(32, seed: 4)))
        #expect(parsedHello.named["clientFinish"] == nil)

        let finish = try SwiftBuilt.clientFinish()
        let parsedFinish = try response.parsed("clientFinish")
        try expectSameFields(finish, parsedFinish.canon)
        #expect(Hex.encode(try finish.serializedBytes() as [UInt8]) == parsedFinish.reserialized)
        #expect(parsedFinish.named["clientFinish"]?["static"] == .bytes(SwiftBuilt.bytes(48, seed: 5)))
    }
}
