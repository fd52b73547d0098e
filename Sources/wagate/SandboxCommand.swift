import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WABinary
import WAGateControl
import WAGateCore
import WAGateSandbox

/// `wagate sandbox`: a local server speaking the WhatsApp Web protocol, with simulated phones, so the
/// gateway can be tried and tested without WhatsApp.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local WhatsApp-compatible server with simulated phones, or drive a running one.",
        discussion: """
            Start it with `wagate sandbox --listen 127.0.0.1:PORT --state DIR`, then start the gateway with \
            WAGATE_WA_URL and WAGATE_WA_ROOT_KEY set to the URL and root key it prints. The other subcommands \
            act as a phone through the sandbox's control socket DIR/sandbox.sock.
            """,
        subcommands: [
            Serve.self, Scan.self, Code.self, Revoke.self, Replace.self, Restart.self, Drop.self, Silence.self, Refuse.self, Status.self,
            Contact.self, Send.self, Inbox.self,
        ],
        defaultSubcommand: Serve.self)

    /// `--state DIR` of every sandbox subcommand.
    struct StateOption: ParsableArguments {
        @Option(help: "The sandbox's state directory (its keys, phones and devices, and sandbox.sock).")
        var state: String = "./.wagate-sandbox"

        var directory: String {
            URL(fileURLWithPath: state, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        }

        var socketPath: String { (directory as NSString).appendingPathComponent("sandbox.sock") }

        /// Calls the running sandbox.
        func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
            do {
                return try await ControlClient.withConnection(socketPath: socketPath) { try await $0.call(method, params: params) }
            } catch let error as ControlClientError where error.code == nil {
                throw ValidationError("cannot reach the sandbox at \(socketPath) (is `wagate sandbox --state \(state)` running?): \(error)")
            } catch let error as ControlClientError {
                // The sandbox answered: its refusal, as it worded it.
                throw ValidationError(error.message)
            }
        }
    }

    // MARK: - Serve

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the sandbox server in the foreground (the default).")
        @Option(help: "Where to listen, HOST:PORT (loopback only; port 0 picks a free one).") var listen: String = "127.0.0.1:0"
        @OptionGroup var state: StateOption
        @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

        func run() async throws {
            bootstrapLogging()
            var logger = Logger(label: "wagate.sandbox")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let (host, port) = try Self.parseListen(listen)
            var configuration = SandboxConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.stateDirectory = state.directory
            let sandbox = try SandboxServer(configuration: configuration, logger: logger)

            var methods = ControlMethods()
            SandboxMethods(sandbox: sandbox).register(in: &methods)
            let control = ControlServer(
                configuration: .init(socketPath: state.socketPath, serverVersion: GatewayVersion.string), methods: methods,
                eventBus: EventBus(), logger: logger)
            let server = SandboxService(sandbox: sandbox, host: host)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: server), .init(service: control)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }

        static func parseListen(_ text: String) throws -> (String, Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
            else { throw ValidationError("--listen: expected HOST:PORT, e.g. 127.0.0.1:8765, got \"\(text)\"") }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") else {
                throw ValidationError("--listen: the sandbox serves plain ws:// and so listens on loopback only (127.0.0.1 or ::1), not \(host)")
            }
            return (host, port)
        }
    }

    // MARK: - Phone actions

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A simulated phone scans a QR code (links the device).")
        @Argument(help: "The QR code text (`wagate qr AGENT/ACCOUNT` prints it).") var qrText: String
        @Option(help: "The phone's number, e.g. +15550001111.") var phone: String
        @OptionGroup var state: StateOption

        func run() async throws {
            let result = try await state.call("sandbox.scan", ["qr": .string(qrText), "phone": .string(phone)])
            print("linked \(result["device"]?.stringValue ?? "?") to \(phone)")
        }
    }

    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A simulated phone enters the pairing code a gateway printed for it (`wagate link`).")
        @Argument(help: "The code, XXXX-XXXX.") var code: String
        @Option(help: "The phone's number, the one given to `wagate link`.") var phone: String
        @OptionGroup var state: StateOption

        func run() async throws {
            let result = try await state.call("sandbox.code", ["code": .string(code), "phone": .string(phone)])
            print("linked \(result["device"]?.stringValue ?? "?") to \(phone)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The phone removes its linked devices (401 device_removed).")
        @Argument(help: "The phone's number.") var phone: String
        @OptionGroup var state: StateOption
        func run() async throws { try await phoneAction("sandbox.revoke", phone, state, "devices revoked") }
    }

    struct Replace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Another connection replaces the phone's devices' sessions (440).")
        @Argument(help: "The phone's number.") var phone: String
        @OptionGroup var state: StateOption
        func run() async throws { try await phoneAction("sandbox.replace", phone, state, "connections replaced") }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The server demands a restart of the phone's devices' connections (515).")
        @Argument(help: "The phone's number.") var phone: String
        @OptionGroup var state: StateOption
        func run() async throws { try await phoneAction("sandbox.restart", phone, state, "connections restarted") }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop the phone's devices' connections without a stream error (network loss).")
        @Argument(help: "The phone's number.") var phone: String
        @OptionGroup var state: StateOption
        func run() async throws { try await phoneAction("sandbox.drop", phone, state, "connections dropped") }
    }

    struct Silence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop answering on the phone's devices' connections (even pings), so keepalive must notice.")
        @Argument(help: "The phone's number.") var phone: String
        @OptionGroup var state: StateOption
        func run() async throws { try await phoneAction("sandbox.silence", phone, state, "connections silenced") }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse (or accept again) the logins of the phone's devices.")
        @Argument(help: "The phone's number.") var phone: String
        @Option(help: "The <failure reason> code logins get (default 503, service unavailable).") var code: Int = 503
        @Flag(help: "Accept logins again.") var off = false
        @OptionGroup var state: StateOption

        func run() async throws {
            var params: [String: JSONValue] = ["phone": .string(phone)]
            params["code"] = off ? .null : .int(Int64(code))
            _ = try await state.call("sandbox.refuse", .object(params))
            print(off ? "logins of \(phone) accepted" : "logins of \(phone) refused with \(code)")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Phones, devices and live connections, as JSON.")
        @OptionGroup var state: StateOption
        func run() async throws { print(try await state.call("sandbox.status", [:]).jsonString(pretty: true)) }
    }
}

// MARK: - Simulated phones' messages

extension SandboxCommand {
    struct Contact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a simulated phone with its own Signal identity (or show an existing one).")
        @Argument(help: "The phone's number, e.g. +15550002222.") var phone: String
        @Option(help: "The push name its messages carry.") var name: String?
        @OptionGroup var state: StateOption

        func run() async throws {
            var params: [String: JSONValue] = ["phone": .string(phone)]
            if let name { params["name"] = .string(name) }
            let result = try await state.call("sandbox.contact.create", .object(params))
            print("\(result["phone"]?.stringValue ?? phone): \(result["jid"]?.stringValue ?? "") \(result["lid"]?.stringValue ?? "")")
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A simulated phone sends an encrypted text to a number (every device of it: phone and linked gateways).",
            discussion: "The sending phone is created on first use: wagate sandbox send --from +15550002222 +15550001111 \"hello\".")
        @Option(help: "The sending phone's number.") var from: String
        @Argument(help: "The recipient's number (an account linked to the sandbox, or another simulated phone).") var to: String
        @Argument(help: "The text.") var text: String
        @OptionGroup var state: StateOption

        func run() async throws {
            let result = try await state.call("sandbox.contact.send", ["from": .string(from), "to": .string(to), "text": .string(text)])
            print("sent \(result["id"]?.stringValue ?? "?") from \(from) to \(to)")
        }
    }

    struct Inbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What a simulated phone received, decrypted, oldest first.")
        @Argument(help: "The phone's number.") var phone: String
        @Flag(help: "Print the messages as JSON.") var json = false
        @OptionGroup var state: StateOption

        func run() async throws {
            let result = try await state.call("sandbox.contact.inbox", ["phone": .string(phone)])
            let messages = result["messages"]?.arrayValue ?? []
            if json {
                print(JSONValue.array(messages).jsonString(pretty: true))
                return
            }
            guard !messages.isEmpty else {
                print("no messages")
                return
            }
            var table = Table("TIME", "FROM", "CHAT", "ID", "TEXT")
            for m in messages {
                let time = m["timestamp"]?.intValue.map { Date(timeIntervalSince1970: TimeInterval($0)).formatted(.iso8601) } ?? ""
                let from = m["from_me"]?.boolValue == true ? "me (\(m["device"]?.stringValue ?? ""))" : (m["from"]?.stringValue ?? "")
                table.add(time, from, m["chat"]?.stringValue ?? "", m["id"]?.stringValue ?? "", m["text"]?.stringValue ?? "[\(m["kind"]?.stringValue ?? "")]")
            }
            print(table.render())
        }
    }
}

private func phoneAction(_ method: String, _ phone: String, _ state: SandboxCommand.StateOption, _ what: String) async throws {
    let result = try await state.call(method, ["phone": .string(phone)])
    print("\(phone): \(result["count"]?.intValue ?? 0) \(what)")
}

/// Runs the sandbox server as a service and prints the lines scripts read: its URL and root key.
struct SandboxService: Service {
    let sandbox: SandboxServer
    let host: String

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await sandbox.run { port in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                let lines = "sandbox url: ws://\(shownHost):\(port)/ws/chat\nsandbox root key: \(sandbox.rootPublicKeyHex)\n"
                FileHandle.standardOutput.write(Data(lines.utf8))
            }
        }
    }
}

/// The sandbox's control methods, one per phone action.
struct SandboxMethods {
    let sandbox: SandboxServer

    func register(in methods: inout ControlMethods) {
        let sandbox = self.sandbox
        methods.register("sandbox.scan", description: "A phone scans a QR code: {qr, phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["qr", "phone"])
            let device = try await Self.run { try await sandbox.scan(qrText: params.requireString("qr"), phone: params.requireString("phone")) }
            return ["device": .string(device.description)]
        }
        methods.register("sandbox.code", description: "A phone enters a pairing code: {code, phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["code", "phone"])
            let device = try await Self.run { try await sandbox.enterCode(params.requireString("code"), phone: params.requireString("phone")) }
            return ["device": .string(device.description)]
        }
        methods.register("sandbox.revoke", description: "Remove the phone's devices: {phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            return ["count": .int(Int64(try await Self.run { try await sandbox.revoke(phone: params.requireString("phone")) }))]
        }
        methods.register("sandbox.replace", description: "Replace the phone's devices' connections (440): {phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            return ["count": .int(Int64(try await Self.run { try await sandbox.replace(phone: params.requireString("phone")) }))]
        }
        methods.register("sandbox.restart", description: "Demand a restart (515): {phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            return ["count": .int(Int64(try await Self.run { try await sandbox.restart(phone: params.requireString("phone")) }))]
        }
        methods.register("sandbox.drop", description: "Drop the connections without a stream error: {phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            return ["count": .int(Int64(try await Self.run { try await sandbox.drop(phone: params.requireString("phone")) }))]
        }
        methods.register("sandbox.silence", description: "Answer nothing more on the connections (keepalive test): {phone}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            return ["count": .int(Int64(try await Self.run { try await sandbox.silence(phone: params.requireString("phone")) }))]
        }
        methods.register("sandbox.refuse", description: "Refuse logins with a failure code, or accept again: {phone, code|null}.", mutating: true) { _, params in
            try params.rejectUnknownParams(allowed: ["phone", "code"])
            let code = try params.optionalInt("code").map(Int.init)
            try await Self.run { try await sandbox.refuseLogins(phone: params.requireString("phone"), code: code) }
            return ["phone": .string(try params.requireString("phone")), "code": code.map { .int(Int64($0)) } ?? .null]
        }
        methods.register("sandbox.contact.create", description: "A simulated phone with its own Signal identity: {phone, name?}.", mutating: true) {
            _, params in
            try params.rejectUnknownParams(allowed: ["phone", "name"])
            let contact = try await Self.run { try sandbox.contact(phone: params.requireString("phone"), name: params.optionalString("name")) }
            return [
                "phone": .string(contact.phone), "jid": .string(contact.jid.description), "lid": .string(contact.lid.description),
                "name": .string(contact.name),
            ]
        }
        methods.register("sandbox.contact.send", description: "A simulated phone sends an encrypted text: {from, to, text}.", mutating: true) {
            _, params in
            try params.rejectUnknownParams(allowed: ["from", "to", "text"])
            let id = try await Self.run {
                try await sandbox.contact(phone: params.requireString("from")).send(text: params.requireString("text"), to: params.requireString("to"))
            }
            return ["id": .string(id)]
        }
        methods.register("sandbox.contact.inbox", description: "What a simulated phone received, decrypted: {phone}.") { _, params in
            try params.rejectUnknownParams(allowed: ["phone"])
            let phone = try params.requireString("phone")
            let messages = try await Self.run { () async throws -> [SandboxInboxMessage] in
                guard let contact = try sandbox.existingContact(phone: phone) else {
                    throw SandboxError("no simulated phone \(phone) in the sandbox (wagate sandbox contact \(phone) creates one)")
                }
                return await contact.inbox()
            }
            return ["phone": .string(phone), "messages": try Self.json(messages)]
        }
        methods.register("sandbox.status", description: "Phones, devices and live connections.") { _, _ in
            try Self.json(await sandbox.status())
        }
    }

    /// A sandbox value as control-API JSON (snake_case keys, the control API's spelling).
    static func json(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONValue.parse(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Sandbox errors become control errors whose message is the sandbox's own.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SandboxError {
            throw ControlError(code: 110, message: "\(error)", kind: "sandbox.Refused")
        }
    }
}
