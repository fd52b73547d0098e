import Foundation
import Logging
import Synchronization
import SwiftProtobuf
import WABinary
import WAGateCrypto
import WAProto
import WAWeb

/// A local server that speaks the WhatsApp Web protocol and simulates phones, so the gateway can be
/// run and tested without WhatsApp (`wagate sandbox`).
///
/// It accepts the real client over `ws://` on loopback: the `WA 06 03` header, the Noise XX handshake
/// with a certificate chain signed by its own root key, then binary nodes. A registration gets
/// pair-device refs and waits for a phone to ``scan(qrText:phone:)`` its QR code (or to enter a
/// phone-number code); a login of a known device gets `<success>`; the phone operations force the
/// server-side events the gateway must survive (revoke, replace, restart, drop, refused logins).
///
/// ```swift
/// let sandbox = try SandboxServer(configuration: .init(stateDirectory: dir))
/// try await sandbox.withRunning { url in
///     // point a client at `url`, trusting `sandbox.rootPublicKeyHex`
///     _ = try await sandbox.scan(qrText: qr, phone: "+15550001111")
/// }
/// ```
public final class SandboxServer: Sendable {
    /// The configuration it was created with.
    public let configuration: SandboxConfiguration
    /// The root key clients must trust (`WAGATE_WA_ROOT_KEY`), as 64 hex digits.
    public let rootPublicKeyHex: String

    private let authority: SandboxCertificateAuthority
    private let serverKey: Curve25519.KeyPair
    let logger: Logger
    let registry: Mutex<Registry>

    /// Creates the server, loading (or creating and saving) its state.
    /// - Throws: ``SandboxError`` when the state directory cannot be read or written.
    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger = Logger(label: "wagate.sandbox")) throws {
        self.configuration = configuration
        self.logger = logger
        var state: SandboxStateFile
        if let directory = configuration.stateDirectory, let loaded = try SandboxStateFile.load(directory: directory) {
            state = loaded
        } else {
            state = SandboxStateFile(rootKey: Hex.encode(try Curve25519.KeyPair.generate().privateKey.copyBytes()), phones: [:])
            if let directory = configuration.stateDirectory { try state.save(directory: directory) }
        }
        guard let rootPrivate = Hex.decode(state.rootKey), rootPrivate.count == 32 else {
            throw SandboxError("the sandbox state's root key is not 64 hex digits")
        }
        authority = try SandboxCertificateAuthority(rootPrivateKey: rootPrivate)
        rootPublicKeyHex = authority.rootPublicKeyHex
        serverKey = try Curve25519.KeyPair.generate()
        registry = Mutex(Registry(state: state))
    }

    // MARK: - Serving

    /// Serves until the task is cancelled.
    /// - Parameter onListening: called once with the bound port.
    public func run(onListening: @Sendable (Int) async -> Void = { _ in }) async throws {
        try await webSocketServer().run(onListening: onListening) { [self] connection, _ in await serve(connection) }
    }

    /// Serves while `body` runs with the server's URL (`ws://HOST:PORT/ws/chat`).
    @discardableResult
    public func withRunning<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        try await webSocketServer().withRunning(handler: { [self] connection, _ in await serve(connection) }) { port in
            let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
            return try await body("ws://\(host):\(port)/ws/chat")
        }
    }

    private func webSocketServer() -> WebSocketServer {
        WebSocketServer(configuration: .init(host: configuration.host, port: configuration.port))
    }

    // MARK: - Phone operations

    /// A simulated phone scans a QR code: the device it names is linked to `phone` with a real,
    /// signed pair-success; the companion's device signature is verified before the device is kept.
    /// - Returns: the new device's JID.
    /// - Throws: ``SandboxError`` for a malformed QR code or number, no connection waiting with this
    ///   QR code, keys that do not match the connection, or a refused or unverifiable answer.
    public func scan(qrText: String, phone: String) async throws -> JID {
        let digits = try Self.digits(phone)
        let qr = try ScannedQR(qrText)
        let found = registry.withLock { r in r.connections.first { $0.value.pairing?.refs.contains(qr.ref) == true } }
        guard let (connectionID, live) = found, let pairing = live.pairing else {
            throw SandboxError("no connection is waiting with this QR code (expired or already used)")
        }
        guard qr.noiseKey == pairing.noiseKey else { throw SandboxError("the QR code's noise key is not the connection's Noise key") }
        guard qr.identityKey == pairing.identityKey else {
            throw SandboxError("the QR code's identity key is not the one the device registered")
        }
        return try await link(
            connectionID, phone: digits, identityKey: qr.identityKey, advSecret: qr.advSecret, noiseKey: qr.noiseKey,
            registrationID: pairing.registrationID)
    }

    /// A simulated phone enters a phone-number pairing code that a companion requested for `phone`.
    /// - Returns: the new device's JID once linked.
    /// - Throws: ``SandboxError`` when no companion asked for a code for this number, or the code is wrong.
    public func enterCode(_ code: String, phone: String) async throws -> JID {
        let digits = try Self.digits(phone)
        let notificationID = "lc-\(UInt32.random(in: 1...UInt32.max))"
        let prepared: (Int, Node, PairingConnection) = try registry.withLock { r in
            guard let (id, live) = r.connections.first(where: { $0.value.linkCode?.phoneNumber == digits }),
                var primary = live.linkCode, let pairing = live.pairing
            else { throw SandboxError("no companion asked for a pairing code for +\(digits)") }
            let notification: Node
            do {
                notification = try primary.enterCode(code, notificationID: notificationID)
            } catch {
                throw SandboxError("the code is not accepted: \(error)")
            }
            r.connections[id]?.linkCode = primary
            return (id, notification, pairing)
        }
        let (connectionID, notification, pairing) = prepared
        let linked = try await withTimeout("the companion did not finish the code exchange") {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LinkCodePrimary.Linked, any Error>) in
                let sent = self.registry.withLock { r -> Bool in
                    guard r.connections[connectionID] != nil else { return false }
                    r.connections[connectionID]?.linkCodeWaiter = continuation
                    r.connections[connectionID]?.outbox.yield(.node(notification))
                    return true
                }
                if !sent { continuation.resume(throwing: SandboxError("the companion's connection closed")) }
            }
        }
        return try await link(
            connectionID, phone: digits, identityKey: linked.companionIdentityKey, advSecret: linked.advSecret.copyBytes(),
            noiseKey: linked.companionNoiseKey, registrationID: pairing.registrationID)
    }

    /// The phone removes all its linked devices: each live one gets `401 device_removed`, and no
    /// later login of them succeeds. Returns the number of devices revoked.
    @discardableResult
    public func revoke(phone: String) async throws -> Int {
        let digits = try Self.digits(phone)
        let (count, state) = try registry.withLock { r -> (Int, SandboxStateFile) in
            guard var entry = r.state.phones[digits] else { throw SandboxError("no phone +\(digits) in the sandbox") }
            var count = 0
            for index in entry.devices.indices where !entry.devices[index].revoked {
                entry.devices[index].revoked = true
                count += 1
            }
            r.state.phones[digits] = entry
            r.close(phone: digits, with: Self.streamError(401, conflict: "device_removed"))
            return (count, r.state)
        }
        try persist(state)
        return count
    }

    /// Another connection takes over: live connections of the phone's devices get `440 replaced`.
    @discardableResult
    public func replace(phone: String) async throws -> Int {
        let digits = try Self.digits(phone)
        return registry.withLock { $0.close(phone: digits, with: Self.streamError(440, conflict: "replaced")) }
    }

    /// The server demands a restart: live connections of the phone's devices get `515`.
    @discardableResult
    public func restart(phone: String) async throws -> Int {
        let digits = try Self.digits(phone)
        return registry.withLock { $0.close(phone: digits, with: Self.streamError(515, conflict: nil)) }
    }

    /// The network drops: live connections of the phone's devices close without a stream error.
    @discardableResult
    public func drop(phone: String) async throws -> Int {
        let digits = try Self.digits(phone)
        return registry.withLock { $0.close(phone: digits, with: nil) }
    }

    /// The network goes quiet: live connections of the phone's devices stay open but the server
    /// answers nothing on them any more (not even pings), so the client's keepalive must notice.
    @discardableResult
    public func silence(phone: String) async throws -> Int {
        let digits = try Self.digits(phone)
        return registry.withLock { r in
            var count = 0
            for (id, live) in r.connections where live.login?.phone == digits {
                r.connections[id]?.silent = true
                count += 1
            }
            return count
        }
    }

    /// Refuses the logins of the phone's devices with `<failure reason="code"/>`; `nil` accepts again.
    public func refuseLogins(phone: String, code: Int?) async throws {
        let digits = try Self.digits(phone)
        registry.withLock { $0.refusing[digits] = code }
    }

    /// Phones, devices and live connections.
    public func status() async -> SandboxStatus {
        registry.withLock { r in
            let live = r.connections.values.compactMap(\.login)
            let phones = r.state.phones.sorted { $0.key < $1.key }.map { number, phone in
                SandboxStatus.Phone(
                    number: "+\(number)", lid: phone.lid, refusingLogins: r.refusing[number],
                    devices: phone.devices.map { device in
                        SandboxStatus.Device(
                            jid: "\(number):\(device.id)@s.whatsapp.net", revoked: device.revoked,
                            connected: live.contains { $0.phone == number && $0.device == device.id })
                    })
            }
            let connections = r.connections.sorted { $0.key < $1.key }.map { id, live in
                SandboxStatus.Connection(
                    id: id, kind: live.login == nil ? "registration" : "login",
                    device: live.login.map { "\($0.phone):\($0.device)@s.whatsapp.net" }, remoteAddress: live.remoteAddress)
            }
            return SandboxStatus(phones: phones, connections: connections)
        }
    }

    // MARK: - Linking

    private func link(
        _ connectionID: Int, phone digits: String, identityKey: [UInt8], advSecret: [UInt8], noiseKey: [UInt8],
        registrationID: UInt32
    ) async throws -> JID {
        let (phone, deviceID) = try phoneForLinking(digits)
        guard let accountPrivate = Hex.decode(phone.accountKey) else { throw SandboxError("phone +\(digits) has a malformed key") }
        let accountKey = try Curve25519.KeyPair(privateKey: SecretBytes(copying: accountPrivate))
        let jid = JID(user: digits, device: UInt16(deviceID), server: .defaultUser)
        let lid = JID(user: phone.lid, device: UInt16(deviceID), server: .lid)
        let offer = try SandboxPhone.pairSuccess(
            id: "pair-\(UInt32.random(in: 1...UInt32.max))", accountKey: accountKey, companionIdentity: identityKey,
            advSecret: advSecret, keyIndex: UInt32(deviceID), rawID: UInt32.random(in: 1...UInt32.max), timestamp: configuration.now(),
            jid: jid, lid: lid)
        let answer = try await request(offer.node, on: connectionID)
        try SandboxPhone.verifyAnswer(answer, to: offer, companionIdentity: identityKey, accountSignatureKey: accountKey.publicKey)
        let state = try registry.withLock { r -> SandboxStateFile in
            guard var entry = r.state.phones[digits] else { throw SandboxError("phone +\(digits) vanished") }
            entry.devices.append(
                .init(
                    id: deviceID, noiseKey: Hex.encode(noiseKey), identityKey: Hex.encode(identityKey), registrationID: registrationID,
                    revoked: false))
            entry.nextDevice = max(entry.nextDevice, deviceID + 1)
            r.state.phones[digits] = entry
            // The restart that completes pairing (§4.3 step 9); the companion logs in next.
            r.connections[connectionID]?.outbox.yield(.close(Self.streamError(515, conflict: nil)))
            return r.state
        }
        try persist(state)
        logger.info("device linked", metadata: ["jid": "\(jid)", "lid": "\(lid)"])
        return jid
    }

    /// The phone (created on first use) and the device number the next link gets.
    private func phoneForLinking(_ digits: String) throws -> (SandboxStateFile.Phone, Int) {
        let (phone, created, state) = try registry.withLock { r -> (SandboxStateFile.Phone, Bool, SandboxStateFile) in
            if let phone = r.state.phones[digits] { return (phone, false, r.state) }
            let phone = SandboxStateFile.Phone(
                accountKey: Hex.encode(try Curve25519.KeyPair.generate().privateKey.copyBytes()),
                lid: String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999)), nextDevice: 1, devices: [])
            r.state.phones[digits] = phone
            return (phone, true, r.state)
        }
        if created { try persist(state) }
        return (phone, phone.nextDevice)
    }

    /// Sends a server IQ to a connection and waits for the answer with the same id.
    private func request(_ node: Node, on connectionID: Int) async throws -> Node {
        guard let id = node.attribute("id") else { throw SandboxError("request without id") }
        return try await withTimeout("the companion did not answer pair-success") {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Node, any Error>) in
                let sent = self.registry.withLock { r -> Bool in
                    guard r.connections[connectionID] != nil else { return false }
                    r.connections[connectionID]?.waiters[id] = continuation
                    r.connections[connectionID]?.outbox.yield(.node(node))
                    return true
                }
                if !sent { continuation.resume(throwing: SandboxError("the companion's connection closed")) }
            }
        }
    }

    private func withTimeout<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = configuration.pairingReplyTimeout
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SandboxError("\(what) within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func persist(_ state: SandboxStateFile) throws {
        guard let directory = configuration.stateDirectory else { return }
        try state.save(directory: directory)
    }

    static func digits(_ phone: String) throws -> String {
        do {
            return try LinkCode.phoneNumberDigits(phone)
        } catch {
            throw SandboxError("\(error)")
        }
    }

    static func streamError(_ code: Int, conflict: String?) -> Node {
        Node(
            tag: "stream:error", attributes: ["code": .string(String(code))],
            children: conflict.map { [Node(tag: "conflict", attributes: ["type": .string($0)])] } ?? [])
    }

    // MARK: - Connections

    private func serve(_ connection: WebSocketConnection) async {
        do {
            try await session(connection)
        } catch {
            logger.info("connection closed", metadata: ["remote": "\(connection.remoteAddress ?? "?")", "reason": "\(error)"])
            await connection.close(code: .policyViolation, reason: "")
        }
    }

    private func session(_ connection: WebSocketConnection) async throws {
        var inbound = connection.messages.makeAsyncIterator()
        var frames = FrameCodec()
        guard var first = try await inbound.next() else { return }
        guard Array(first.prefix(4)) == FrameCodec.connectionHeader else {
            throw SandboxError("the connection did not start with the WA 06 03 header")
        }
        first.removeFirst(4)
        frames.append(first)
        func nextFrame() async throws -> [UInt8]? {
            while true {
                if let frame = try frames.nextFrame() { return frame }
                guard let message = try await inbound.next() else { return nil }
                frames.append(message)
            }
        }
        let chain = try authority.issueChain(
            serverStaticKey: serverKey.publicKey, validity: configuration.certificateValidity, now: configuration.now())
        var responder = try NoiseResponder(staticKey: serverKey, certificateChain: chain)
        var outbound = FrameCodec(header: [])
        guard let hello = try await nextFrame() else { return }
        try await connection.send(outbound.encode(responder.receiveClientHello(hello)))
        guard let finish = try await nextFrame() else { return }
        let handshake = try responder.receiveClientFinish(finish)
        let payload = try WA6_ClientPayload(serializedBytes: handshake.clientPayload)
        var receiver = handshake.transport.receiver

        let (outbox, output) = AsyncStream.makeStream(of: Outbound.self)
        let connectionID = registry.withLock { r in
            r.nextConnectionID += 1
            r.connections[r.nextConnectionID] = Live(outbox: output, remoteAddress: connection.remoteAddress)
            return r.nextConnectionID
        }
        defer {
            let waiters = registry.withLock { r in r.connections.removeValue(forKey: connectionID) }
            output.finish()
            let closed = SandboxError("the companion's connection closed")
            for waiter in waiters?.waiters.values ?? [:].values { waiter.resume(throwing: closed) }
            waiters?.linkCodeWaiter?.resume(throwing: closed)
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            let sender = handshake.transport.sender
            let codec = outbound
            group.addTask {
                var sender = sender
                var outbound = codec
                for await item in outbox {
                    switch item {
                    case .node(let node):
                        try await connection.send(outbound.encode(sender.encrypt(BinaryEncoder().encodeFramePayload(node))))
                    case .close(let node):
                        if let node {
                            try? await connection.send(outbound.encode(sender.encrypt(BinaryEncoder().encodeFramePayload(node))))
                        }
                        await connection.close()
                        return
                    }
                }
            }
            do {
                try start(connectionID, payload: payload, clientStaticKey: handshake.clientStaticKey)
            } catch let refusal as SandboxError {
                // The refusal (a <failure/>) is queued before the close: let the writer deliver both.
                logger.info("connection refused", metadata: ["reason": "\(refusal)"])
                output.finish()
                try await group.waitForAll()
                return
            }
            while let frame = try await nextFrame() {
                let node = try BinaryDecoder().decodeFramePayload(receiver.decrypt(frame))
                try await handle(node, on: connectionID)
            }
            output.finish()
            try await group.waitForAll()
        }
    }

    /// Decides what a new connection is from its ClientPayload.
    private func start(_ connectionID: Int, payload: WA6_ClientPayload, clientStaticKey: [UInt8]) throws {
        if payload.hasDevicePairingData {
            let data = payload.devicePairingData
            let identity = Array(data.eIdent)
            let signedPreKey = Array(data.eSkeyVal)
            guard identity.count == 32, signedPreKey.count == 32,
                XEdDSA.isValidSignature(Array(data.eSkeySig), for: [0x05] + signedPreKey, publicKey: identity)
            else {
                send(.close(Node(tag: "failure", attributes: ["reason": "400"])), to: connectionID)
                throw SandboxError("registration refused: the signed prekey's signature does not verify")
            }
            let registrationID = Array(data.eRegid).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let refs = (0..<configuration.refsPerRound).map { _ in
                "2@" + String((0..<40).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".randomElement()! })
            }
            let iq = Node(
                tag: "iq", attributes: ["from": .jid(.server), "type": "set", "id": .string("refs-\(connectionID)")],
                children: [Node(tag: "pair-device", children: refs.map { Node(tag: "ref", content: .bytes(Array($0.utf8))) })])
            registry.withLock { r in
                r.connections[connectionID]?.pairing = PairingConnection(
                    refs: Set(refs), noiseKey: clientStaticKey, identityKey: identity, registrationID: registrationID)
                r.connections[connectionID]?.outbox.yield(.node(iq))
            }
            return
        }
        guard payload.hasUsername, payload.hasDevice else {
            send(.close(Node(tag: "failure", attributes: ["reason": "400"])), to: connectionID)
            throw SandboxError("the ClientPayload is neither a registration nor a login")
        }
        let digits = String(payload.username)
        let deviceID = Int(payload.device)
        try registry.withLock { r in
            guard let phone = r.state.phones[digits], let device = phone.devices.first(where: { $0.id == deviceID }), !device.revoked,
                Hex.decode(device.noiseKey) == clientStaticKey
            else {
                r.connections[connectionID]?.outbox.yield(.close(Node(tag: "failure", attributes: ["reason": "401"])))
                throw SandboxError("login refused (401): \(digits):\(deviceID) is not a linked device with this Noise key")
            }
            if let code = r.refusing[digits] {
                r.connections[connectionID]?.outbox.yield(.close(Node(tag: "failure", attributes: ["reason": .string(String(code))])))
                throw SandboxError("login of \(digits):\(deviceID) refused with \(code) as asked")
            }
            // One connection per device: the earlier one is replaced, as WhatsApp does.
            for (id, live) in r.connections where live.login?.phone == digits && live.login?.device == deviceID && id != connectionID {
                live.outbox.yield(.close(Self.streamError(440, conflict: "replaced")))
            }
            r.connections[connectionID]?.login = LoginConnection(phone: digits, device: deviceID)
            let success = Node(
                tag: "success",
                attributes: [
                    "t": .string(String(configuration.now())), "lid": .jid(JID(user: phone.lid, server: .lid)), "props": "1",
                    "location": "sandbox",
                ])
            r.connections[connectionID]?.outbox.yield(.node(success))
            // What the device has not acknowledged (it was offline, or its connection ended first) follows
            // its <success>, as WhatsApp does; it stays queued until the device's receipt.
            let deviceJID = JID(user: digits, device: UInt16(deviceID), server: .defaultUser)
            for queued in r.pending[deviceJID] ?? [] { r.connections[connectionID]?.outbox.yield(.node(queued)) }
        }
        logger.info("device logged in", metadata: ["device": "\(digits):\(deviceID)"])
    }

    /// One stanza from a client.
    private func handle(_ node: Node, on connectionID: Int) async throws {
        if registry.withLock({ $0.connections[connectionID]?.silent == true }) { return }
        switch node.tag {
        case "message":
            await messageFromConnection(node, on: connectionID)
            return
        case "receipt":
            await receiptFromConnection(node, on: connectionID)
            return
        case "ack":
            // A client's ack (of a message, with or without an error, or of a receipt) ends redelivery.
            if let device = loginDevice(of: connectionID), let id = node.attribute("id") { acknowledged([id], by: device) }
            return
        case "iq":
            break
        default:
            return  // acks, presence, chat states: nothing to answer here
        }
        let type = node.attribute("type")
        guard let id = node.attribute("id") else { return }
        if type == "result" || type == "error" {
            let waiter = registry.withLock { $0.connections[connectionID]?.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: node)
            return
        }
        let isLogin = registry.withLock { $0.connections[connectionID]?.login != nil }
        let result = Node(tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)])
        switch node.attribute("xmlns") {
        case "w:p" where isLogin && type == "get", "passive" where isLogin && type == "set":
            send(.node(result), to: connectionID)
        case "md" where !isLogin:
            try linkCodeStage(node, id: id, on: connectionID)
        case "encrypt" where isLogin:
            encryptIQ(node, id: id, on: connectionID)
        case "usync" where isLogin && type == "get":
            usyncIQ(node, id: id, on: connectionID)
        default:
            send(
                .node(
                    Node(
                        tag: "iq", attributes: ["from": .jid(.server), "type": "error", "id": .string(id)],
                        children: [Node(tag: "error", attributes: ["code": "501", "text": "feature-not-implemented"])])),
                to: connectionID)
        }
    }

    /// `<iq xmlns="md"><link_code_companion_reg stage=…>` from a registration connection (§4.4).
    private func linkCodeStage(_ node: Node, id: String, on connectionID: Int) throws {
        let stage = node.child(LinkCode.Tag.registration)?.attribute("stage")
        if stage == LinkCode.Tag.companionHelloStage {
            let hello = try? LinkCodePrimary(companionHello: node, identityKey: try Curve25519.KeyPair.generate())
            guard let probe = hello else {
                send(.node(Self.errorIQ(id, 400, "bad-request")), to: connectionID)
                return
            }
            // The phone answers with its own identity key: the phone's account key.
            let (phone, _) = try phoneForLinking(probe.phoneNumber)
            guard let accountPrivate = Hex.decode(phone.accountKey) else { return }
            let primary = try LinkCodePrimary(
                companionHello: node, identityKey: try Curve25519.KeyPair(privateKey: SecretBytes(copying: accountPrivate)))
            registry.withLock { r in
                r.connections[connectionID]?.linkCode = primary
                r.connections[connectionID]?.outbox.yield(.node(primary.helloResult(id: id)))
            }
            logger.info("pairing code requested", metadata: ["phone": "+\(primary.phoneNumber)"])
        } else if stage == LinkCode.Tag.companionFinishStage {
            let outcome = registry.withLock { r -> (Result<LinkCodePrimary.Linked, any Error>, CheckedContinuation<LinkCodePrimary.Linked, any Error>?)? in
                guard var primary = r.connections[connectionID]?.linkCode else { return nil }
                let waiter = r.connections[connectionID]?.linkCodeWaiter
                r.connections[connectionID]?.linkCodeWaiter = nil
                do {
                    let linked = try primary.receiveCompanionFinish(node)
                    r.connections[connectionID]?.linkCode = primary
                    r.connections[connectionID]?.outbox.yield(.node(primary.finishResult(id: id)))
                    return (.success(linked), waiter)
                } catch {
                    r.connections[connectionID]?.outbox.yield(.node(Self.errorIQ(id, 401, "not-authorized")))
                    return (.failure(SandboxError("the code exchange failed (a wrong code?): \(error)")), waiter)
                }
            }
            guard let (result, waiter) = outcome else {
                send(.node(Self.errorIQ(id, 400, "bad-request")), to: connectionID)
                return
            }
            waiter?.resume(with: result)
        } else {
            send(.node(Self.errorIQ(id, 501, "feature-not-implemented")), to: connectionID)
        }
    }

    static func errorIQ(_ id: String, _ code: Int, _ text: String) -> Node {
        Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "error", "id": .string(id)],
            children: [Node(tag: "error", attributes: ["code": .string(String(code)), "text": .string(text)])])
    }

    func send(_ item: Outbound, to connectionID: Int) {
        registry.withLock { _ = $0.connections[connectionID]?.outbox.yield(item) }
    }

    // MARK: - State

    enum Outbound: Sendable {
        case node(Node)
        /// Send this stanza (if any), then close the websocket.
        case close(Node?)
    }

    struct PairingConnection: Sendable {
        var refs: Set<String>
        var noiseKey: [UInt8]
        var identityKey: [UInt8]
        var registrationID: UInt32
    }

    struct LoginConnection: Sendable {
        var phone: String
        var device: Int
    }

    struct Live: Sendable {
        let outbox: AsyncStream<Outbound>.Continuation
        let remoteAddress: String?
        var pairing: PairingConnection?
        var login: LoginConnection?
        var waiters: [String: CheckedContinuation<Node, any Error>] = [:]
        var linkCode: LinkCodePrimary?
        var linkCodeWaiter: CheckedContinuation<LinkCodePrimary.Linked, any Error>?
        /// Set by ``SandboxServer/silence(phone:)``: inbound stanzas get no answer.
        var silent = false

        init(outbox: AsyncStream<Outbound>.Continuation, remoteAddress: String?) {
            self.outbox = outbox
            self.remoteAddress = remoteAddress
        }
    }

    struct Registry: Sendable {
        var state: SandboxStateFile
        var nextConnectionID = 0
        var connections: [Int: Live] = [:]
        /// Failure codes for the logins of these phones.
        var refusing: [String: Int] = [:]
        /// Simulated primary devices (device 0) by E.164 digits: contacts, and the phones of linked accounts.
        var contacts: [String: SandboxContact] = [:]
        /// The published Signal keys of every device (companion uploads, simulated phones' own).
        var keys: [JID: PreKeyUpload] = [:]
        /// Stanzas companion devices have not acknowledged yet, delivered again after each `<success>`.
        var pending: [JID: [Node]] = [:]
        /// Who sent each routed message, so receipts find their way back.
        var senders = RoutedMessages()

        /// Sends `node` (or nothing) to every live login of the phone and closes it; returns how many.
        mutating func close(phone: String, with node: Node?) -> Int {
            var count = 0
            for live in connections.values where live.login?.phone == phone {
                live.outbox.yield(.close(node))
                count += 1
            }
            return count
        }
    }
}

/// The fields of a QR code's text (reference §4.2 step 4).
struct ScannedQR {
    var ref: String
    var noiseKey: [UInt8]
    var identityKey: [UInt8]
    var advSecret: [UInt8]

    init(_ text: String) throws {
        let prefix = "https://wa.me/settings/linked_devices#"
        guard text.hasPrefix(prefix) else { throw SandboxError("not a WhatsApp linking QR code (it must start with \(prefix))") }
        let fields = text.dropFirst(prefix.count).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4 || fields.count == 5 else {
            throw SandboxError("the QR code has \(fields.count) fields; expected ref,noiseKey,identityKey,advSecret[,platform]")
        }
        func key(_ index: Int, _ name: String) throws -> [UInt8] {
            guard let data = Data(base64Encoded: fields[index]), data.count == 32 else {
                throw SandboxError("the QR code's \(name) is not 32 bytes of base64")
            }
            return Array(data)
        }
        ref = fields[0]
        noiseKey = try key(1, "noise key")
        identityKey = try key(2, "identity key")
        advSecret = try key(3, "adv secret")
    }
}

/// What the sandbox holds: phones, their devices, and live connections.
public struct SandboxStatus: Codable, Sendable {
    /// A simulated phone.
    public struct Phone: Codable, Sendable {
        public var number: String
        public var lid: String
        public var refusingLogins: Int?
        public var devices: [Device]
    }

    /// A device linked to a phone.
    public struct Device: Codable, Sendable {
        public var jid: String
        public var revoked: Bool
        public var connected: Bool
    }

    /// A live websocket.
    public struct Connection: Codable, Sendable {
        public var id: Int
        public var kind: String
        public var device: String?
        public var remoteAddress: String?
    }

    public var phones: [Phone]
    public var connections: [Connection]
}
