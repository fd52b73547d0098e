import ArgumentParser
import Foundation
import WAGateControl
import WAGateCore

/// `wagate qr AGENT/ACCOUNT [--png FILE]`: the QR code an account is waiting to have scanned.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Print the QR code text an account waits to have scanned, or write it as a PNG.",
        discussion: "Exits non-zero when the account is not waiting for a scan (already linked, stopped, or still connecting).")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Option(help: "Write the QR code as a PNG image to this file instead of printing the text.") var png: String?

    func run() async throws {
        var params: [String: JSONValue] = ["account": .string(account)]
        if png != nil { params["png"] = true }
        let result = try await ControlClient.withConnection(socketPath: client.socket) {
            try await $0.call("accounts.qr", params: .object(params))
        }
        if let png {
            guard let encoded = result["png_base64"]?.stringValue, let bytes = Data(base64Encoded: encoded) else {
                throw ValidationError("the gateway sent no PNG")
            }
            let url = URL(fileURLWithPath: png)
            try bytes.write(to: url, options: .atomic)
            // The image holds the device's public keys and its pairing secret: owner-only, like authDir.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            if client.json { print(result.jsonString(pretty: true)) }
            return
        }
        print(client.json ? result.jsonString(pretty: true) : result["text"]?.stringValue ?? "")
    }
}

/// `wagate link AGENT/ACCOUNT --phone +NUMBER`: a pairing code to type on the phone instead of scanning.
struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link an account by phone number: prints the code (XXXX-XXXX) to enter on the phone.",
        discussion: "On the phone: WhatsApp > Settings > Linked Devices > Link a Device > Link with phone number instead.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Option(help: "The phone's number in international form, e.g. +15550001111") var phone: String

    func run() async throws {
        try await callGateway(client, method: "accounts.link", params: ["account": .string(account), "phone": .string(phone)]) {
            $0["code"]?.stringValue ?? ""
        }
    }
}
