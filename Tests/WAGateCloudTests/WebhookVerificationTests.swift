import Testing
import WAGateCloud

/// The GET handshake: `hub.mode=subscribe`, a matching `hub.verify_token`, and `hub.challenge` echoed.
@Suite struct WebhookVerificationTests {
    static let tokens = ["first-token", "verify-me"]

    @Test func aMatchingTokenEchoesTheChallenge() {
        let query = ["hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"]
        #expect(WebhookVerification.decide(query: query, configuredTokens: Self.tokens) == .accept(challenge: "1158201444"))
    }

    @Test func anyConfiguredTokenIsAccepted() {
        let decision = WebhookVerification.decide(
            mode: "subscribe", verifyToken: "first-token", challenge: "abc", configuredTokens: Self.tokens)
        #expect(decision == .accept(challenge: "abc"))
    }

    @Test(arguments: [
        ("verify-mE", WebhookVerification.RejectReason.tokenMismatch),
        ("verify-me ", .tokenMismatch),
        ("verify", .tokenMismatch),
        ("", .tokenMismatch),
    ])
    func aWrongTokenIsRefused(token: String, reason: WebhookVerification.RejectReason) {
        let decision = WebhookVerification.decide(
            mode: "subscribe", verifyToken: token, challenge: "1", configuredTokens: Self.tokens)
        #expect(decision == .reject(reason))
    }

    @Test func aMissingTokenIsRefused() {
        let decision = WebhookVerification.decide(query: ["hub.mode": "subscribe", "hub.challenge": "1"], configuredTokens: Self.tokens)
        #expect(decision == .reject(.tokenMismatch))
    }

    @Test func aModeOtherThanSubscribeIsRefused() {
        for mode in ["unsubscribe", "Subscribe", ""] {
            let decision = WebhookVerification.decide(
                mode: mode, verifyToken: "verify-me", challenge: "1", configuredTokens: Self.tokens)
            #expect(decision == .reject(.wrongMode))
        }
        #expect(
            WebhookVerification.decide(mode: nil, verifyToken: "verify-me", challenge: "1", configuredTokens: Self.tokens)
                == .reject(.wrongMode))
    }

    @Test func aMissingChallengeIsRefused() {
        let decision = WebhookVerification.decide(
            mode: "subscribe", verifyToken: "verify-me", challenge: nil, configuredTokens: Self.tokens)
        #expect(decision == .reject(.missingChallenge))
    }

    @Test func withoutConfiguredTokensNothingIsAccepted() {
        #expect(
            WebhookVerification.decide(mode: "subscribe", verifyToken: "", challenge: "1", configuredTokens: [])
                == .reject(.noTokenConfigured))
        #expect(
            WebhookVerification.decide(mode: "subscribe", verifyToken: "", challenge: "1", configuredTokens: [""])
                == .reject(.noTokenConfigured))
    }
}
