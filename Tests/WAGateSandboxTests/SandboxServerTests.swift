import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAGateCrypto
import WAGateSandbox
import WAWeb

/// The sandbox server driven by the real client pieces (WAWebSession, PairingStateMachine, ClientPayloads):
/// pairing, login, refusals, persistence, and a bad client that must not disturb the others.
@Suite(.timeLimit(.minutes(1)))
struct SandboxServerTests {
    static let phone = "+15550001111"

    func configuration(_ url: String, _ sandbox: SandboxServer, noiseKey: Curve25519.KeyPair, payload: [UInt8]) throws
        -> WAWebSessionConfiguration
    {
        WAWebSessionConfiguration(
            webSocket: .init(url: url, connectTimeout: .seconds(5)), trustedRootKey: try #require(Hex.decode(sandbox.rootPublicKeyHex)),
            noiseKey: noiseKey, clientPayload: payload, handshakeTimeout: .seconds(5))
    }

    /// Pairs a new device the way the gateway does, with the sandbox's phone scanning the QR code.
    func pair(_ sandbox: SandboxServer, _ url: String) async throws -> (DeviceCredentials, PairedDevice) {
        let credentials = try DeviceCredentials.generate()
        let payload: [UInt8] = try ClientPayloads.registration(credentials).serializedBytes()
        let paired = try await WAWebSession.withSession(
            configuration: configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)
        ) { session -> PairedDevice? in
            var machine = PairingStateMachine<ContinuousClock>(credentials: credentials)
            var scan: Task<JID, any Error>?
            for try await event in session.events {
                guard case .node(let node) = event else { continue }
                for action in machine.receive(node, at: .now) {
                    switch action {
                    case .send(let reply): try await session.send(reply)
                    case .showQR(let text, _):
                        // The scan waits for our answer to pair-success, which this loop sends: run it aside.
                        scan = Task { try await sandbox.scan(qrText: text, phone: Self.phone) }
                    case .reconnectAsLogin(let device):
                        let jid = try await scan?.value
                        #expect(jid == device.jid)
                        return device
                    case .persist, .reconnectForNewRefs, .giveUp, .fail: break
                    }
                }
            }
            return nil
        }
        return (credentials, try #require(paired))
    }

    /// Logs in and returns the first stanza the server sends.
    func login(_ sandbox: SandboxServer, _ url: String, _ credentials: DeviceCredentials, _ device: PairedDevice) async throws -> Node? {
        let payload: [UInt8] = try ClientPayloads.login(
            username: try #require(UInt64(device.jid.user)), device: UInt32(device.jid.device), pushName: nil
        ).serializedBytes()
        return try await WAWebSession.withSession(configuration: configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)) {
            session in
            for try await case .node(let node) in session.events { return node }
            return nil
        }
    }

    @Test func aScannedDeviceLogsInAndAnswersPings() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let (credentials, device) = try await pair(sandbox, url)
            #expect(device.jid.user == "15550001111" && device.jid.device == 1)
            #expect(device.lid?.server == .lid)
            let payload: [UInt8] = try ClientPayloads.login(username: 15_550_001_111, device: 1, pushName: nil).serializedBytes()
            try await WAWebSession.withSession(configuration: configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)) {
                session in
                var events = session.events.makeAsyncIterator()
                guard case .node(let success) = try await events.next() else { throw SandboxError("no stanza") }
                #expect(success.tag == "success")
                #expect(success.attribute("lid") == device.lid.map { JID(user: $0.user, server: .lid).description })
                let pong = try await session.sendIQ(
                    Node(tag: "iq", attributes: ["xmlns": "w:p", "type": "get", "to": .jid(.server)], children: [Node(tag: "ping")]),
                    timeout: .seconds(5))
                #expect(pong.attribute("type") == "result")
            }
            let status = await sandbox.status()
            #expect(status.phones.first?.devices.map(\.jid) == ["15550001111:1@s.whatsapp.net"])
        }
    }

    @Test func unknownDevicesAndForeignNoiseKeysAreRefusedWith401() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let (_, device) = try await pair(sandbox, url)
            // The right device number with another Noise key: someone else's copy of the JID.
            let stranger = try DeviceCredentials.generate()
            let refused = try await login(sandbox, url, stranger, device)
            #expect(refused?.tag == "failure" && refused?.attribute("reason") == "401")
            var unknown = device
            unknown.jid = JID(user: "15550009999", device: 3, server: .defaultUser)
            let unknownAnswer = try await login(sandbox, url, stranger, unknown)
            #expect(unknownAnswer?.attribute("reason") == "401")
        }
    }

    @Test func revokedDevicesAndRefusedLoginsFail() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let (credentials, device) = try await pair(sandbox, url)
            try await sandbox.refuseLogins(phone: Self.phone, code: 503)
            #expect(try await login(sandbox, url, credentials, device)?.attribute("reason") == "503")
            try await sandbox.refuseLogins(phone: Self.phone, code: nil)
            #expect(try await login(sandbox, url, credentials, device)?.tag == "success")
            #expect(try await sandbox.revoke(phone: Self.phone) == 1)
            #expect(try await login(sandbox, url, credentials, device)?.attribute("reason") == "401")
        }
    }

    @Test func aSecondLoginOfTheSameDeviceReplacesTheFirst() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let (credentials, device) = try await pair(sandbox, url)
            let payload: [UInt8] = try ClientPayloads.login(username: 15_550_001_111, device: 1, pushName: nil).serializedBytes()
            try await WAWebSession.withSession(configuration: configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)) {
                first in
                var events = first.events.makeAsyncIterator()
                guard case .node(let success) = try await events.next() else { throw SandboxError("no stanza") }
                #expect(success.tag == "success")
                #expect(try await login(sandbox, url, credentials, device)?.tag == "success")
                guard case .node(let conflict) = try await events.next() else { throw SandboxError("no stream error") }
                #expect(conflict.tag == "stream:error" && conflict.attribute("code") == "440")
                #expect(conflict.child("conflict")?.attribute("type") == "replaced")
            }
        }
    }

    @Test func theStateSurvivesARestartOfTheSandbox() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SandboxServer(configuration: .init(stateDirectory: directory))
        let (credentials, device) = try await first.withRunning { url in try await pair(first, url) }
        let file = (directory as NSString).appendingPathComponent("sandbox-state.json")
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)

        let second = try SandboxServer(configuration: .init(stateDirectory: directory))
        #expect(second.rootPublicKeyHex == first.rootPublicKeyHex)
        let answer = try await second.withRunning { url in try await login(second, url, credentials, device) }
        #expect(answer?.tag == "success")
    }

    @Test func garbageFromOneClientClosesOnlyThatConnection() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let (credentials, device) = try await pair(sandbox, url)
            // A client that sends the header and then noise instead of a ClientHello.
            let client = try WebSocketClient(configuration: .init(url: url, connectTimeout: .seconds(5)))
            try await client.withConnection { connection in
                try await connection.send(FrameCodec.connectionHeader + [0, 0, 5, 1, 2, 3, 4, 5])
                for try await _ in connection.messages {}
            }
            // Scanning garbage is an error, not a crash.
            await #expect(throws: SandboxError.self) { try await sandbox.scan(qrText: "https://wa.me/settings/linked_devices#x,y", phone: Self.phone) }
            await #expect(throws: SandboxError.self) { try await sandbox.revoke(phone: "not a number") }
            #expect(try await login(sandbox, url, credentials, device)?.tag == "success")
        }
    }
}
