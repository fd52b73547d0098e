import ArgumentParser
import Foundation
import WAGateCrypto
import WAGateLink
import WAWeb

/// Where WhatsApp Web accounts connect and how they reconnect: `wagate start` options, each with an
/// environment variable so containers and units can set them without changing the command line.
struct WebLinkOptions: ParsableArguments {
    @Option(name: .customLong("wa-url"), help: "The WhatsApp Web server (or WAGATE_WA_URL; default wss://web.whatsapp.com/ws/chat). Plain ws:// only for loopback addresses.")
    var url: String?

    @Option(name: .customLong("wa-root-key"), help: "The X25519 key (64 hex digits) the server's certificates must chain to (or WAGATE_WA_ROOT_KEY; default WhatsApp's).")
    var rootKey: String?

    @Option(help: "Upper bound of the first reconnect delay, in seconds (or WAGATE_RECONNECT_INITIAL_DELAY; default 1); it doubles per attempt.")
    var reconnectInitialDelay: Double?

    @Option(help: "Cap of the reconnect delay, in seconds (or WAGATE_RECONNECT_MAX_DELAY; default 60).")
    var reconnectMaxDelay: Double?

    @Option(help: "Rounds of QR codes (one round is about 160 s) before an unscanned account stops (or WAGATE_QR_ROUNDS; default 5).")
    var qrRounds: Int?

    /// The link configuration, or a `ValidationError` naming the option and the fix.
    func configuration(environment: [String: String]) throws -> WebLinkConfiguration {
        var configuration = WebLinkConfiguration()
        if let url = url ?? environment["WAGATE_WA_URL"] {
            let parsed: WebSocketURL
            do {
                parsed = try WebSocketURL(url)
            } catch {
                throw ValidationError("--wa-url / WAGATE_WA_URL: \(error)")
            }
            guard parsed.isSecure || parsed.isLoopback else {
                throw ValidationError(
                    "--wa-url / WAGATE_WA_URL: plain ws:// is only allowed for loopback addresses (127.0.0.1, ::1, localhost); use wss:// for \(parsed.host)")
            }
            configuration.webSocket.url = url
        }
        if let hex = rootKey ?? environment["WAGATE_WA_ROOT_KEY"] {
            guard let key = Hex.decode(hex), key.count == 32 else {
                throw ValidationError("--wa-root-key / WAGATE_WA_ROOT_KEY: expected 64 hex digits (a 32-byte X25519 public key), got \"\(hex)\"")
            }
            configuration.trustedRootKey = key
        }
        let initial = try seconds(reconnectInitialDelay, "WAGATE_RECONNECT_INITIAL_DELAY", "--reconnect-initial-delay", environment)
        let maximum = try seconds(reconnectMaxDelay, "WAGATE_RECONNECT_MAX_DELAY", "--reconnect-max-delay", environment)
        configuration.reconnect = ReconnectConfiguration(
            initialDelay: initial ?? configuration.reconnect.initialDelay,
            maximumDelay: maximum ?? configuration.reconnect.maximumDelay,
            stablePeriod: configuration.reconnect.stablePeriod,
            immediateRestartLimit: configuration.reconnect.immediateRestartLimit)
        let rounds = try qrRounds ?? environment["WAGATE_QR_ROUNDS"].map { text in
            guard let n = Int(text) else { throw ValidationError("WAGATE_QR_ROUNDS: expected a whole number, got \"\(text)\"") }
            return n
        }
        if let rounds {
            guard rounds >= 1 else { throw ValidationError("--qr-rounds / WAGATE_QR_ROUNDS: must be at least 1, got \(rounds)") }
            configuration.qrRotation.maxRounds = rounds
        }
        return configuration
    }

    private func seconds(_ option: Double?, _ variable: String, _ flag: String, _ environment: [String: String]) throws -> Duration? {
        let value: Double
        if let option {
            value = option
        } else if let text = environment[variable] {
            guard let parsed = Double(text) else { throw ValidationError("\(variable): expected seconds, e.g. 0.5 or 30, got \"\(text)\"") }
            value = parsed
        } else {
            return nil
        }
        guard value > 0, value <= 86_400 else { throw ValidationError("\(flag) / \(variable): must be more than 0 and at most 86400 seconds") }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
