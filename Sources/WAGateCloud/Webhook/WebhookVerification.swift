import WAGateCrypto

/// The GET handshake Meta makes when a Callback URL or Verify token is saved in the App Dashboard:
/// `?hub.mode=subscribe&hub.challenge=<random>&hub.verify_token=<token>`.
///
/// The endpoint proves it is the configured one by echoing `hub.challenge` as plain text when the
/// token matches; anything else is answered 403.
///
/// ```swift
/// switch WebhookVerification.decide(query: queryItems, configuredTokens: tokens) {
/// case .accept(let challenge): respond(200, text: challenge)
/// case .reject: respond(403)
/// }
/// ```
public enum WebhookVerification {
    /// Query parameter names of the handshake.
    public static let modeParameter = "hub.mode"
    /// See ``modeParameter``.
    public static let verifyTokenParameter = "hub.verify_token"
    /// See ``modeParameter``.
    public static let challengeParameter = "hub.challenge"

    /// Why a handshake is refused.
    public enum RejectReason: String, Sendable, Hashable {
        /// `hub.mode` is not `subscribe`.
        case wrongMode = "wrong_mode"
        /// There is no `hub.challenge` to echo.
        case missingChallenge = "missing_challenge"
        /// `hub.verify_token` is missing or matches no configured token.
        case tokenMismatch = "token_mismatch"
        /// No Cloud API account has a verify token, so no handshake can succeed.
        case noTokenConfigured = "no_token_configured"
    }

    /// What to answer.
    public enum Decision: Sendable, Hashable {
        /// 200 with `challenge` as the plain-text body.
        case accept(challenge: String)
        /// 403.
        case reject(RejectReason)
    }

    /// Decides a handshake from its three parameters.
    ///
    /// The token is compared in constant time with every configured token (all of them, even after a
    /// match), so timing tells nothing about any of them. Empty tokens never match.
    /// - Parameters:
    ///   - mode: `hub.mode`.
    ///   - verifyToken: `hub.verify_token`.
    ///   - challenge: `hub.challenge`.
    ///   - configuredTokens: the verify tokens of every Cloud API account of the process.
    public static func decide(
        mode: String?, verifyToken: String?, challenge: String?, configuredTokens: [String]
    ) -> Decision {
        let tokens = configuredTokens.filter { !$0.isEmpty }
        guard !tokens.isEmpty else { return .reject(.noTokenConfigured) }
        guard mode == "subscribe" else { return .reject(.wrongMode) }
        guard let challenge, !challenge.isEmpty else { return .reject(.missingChallenge) }
        guard let verifyToken, !verifyToken.isEmpty else { return .reject(.tokenMismatch) }
        var matched = false
        for token in tokens where ConstantTime.equals(verifyToken, token) {
            matched = true
        }
        return matched ? .accept(challenge: challenge) : .reject(.tokenMismatch)
    }

    /// Decides a handshake from decoded query parameters.
    /// - Parameters:
    ///   - query: the request's query parameters (percent-decoded).
    ///   - configuredTokens: the verify tokens of every Cloud API account of the process.
    public static func decide(query: [String: String], configuredTokens: [String]) -> Decision {
        decide(
            mode: query[modeParameter], verifyToken: query[verifyTokenParameter], challenge: query[challengeParameter],
            configuredTokens: configuredTokens)
    }
}
