import Testing
import WABinary

@testable import WAWeb

/// Reading disconnect reasons from nodes and Baileys codes, and the decision for every reason.
@Suite struct DisconnectReasonTests {
    // MARK: - Nodes

    static func failure(_ attributes: Node.Attributes) -> Node { Node(tag: "failure", attributes: attributes) }

    @Test func failureReasons() {
        #expect(DisconnectReason(node: Self.failure(["reason": "401"])) == .loggedOut)
        #expect(
            DisconnectReason(node: Self.failure(["reason": "402", "code": "101", "expire": "3600"]))
                == .temporarilyBanned(code: 101, expiresIn: .seconds(3600)))
        #expect(DisconnectReason(node: Self.failure(["reason": "402"])) == .temporarilyBanned(code: nil, expiresIn: nil))
        #expect(DisconnectReason(node: Self.failure(["reason": "403", "message": "LOCKED"])) == .forbidden(message: "LOCKED"))
        #expect(DisconnectReason(node: Self.failure(["reason": "405"])) == .clientOutdated)
        #expect(DisconnectReason(node: Self.failure(["reason": "406"])) == .banned)
        #expect(DisconnectReason(node: Self.failure(["reason": "409"])) == .userAgentRejected)
        #expect(DisconnectReason(node: Self.failure(["reason": "500"])) == .serverError(code: 500))
        #expect(DisconnectReason(node: Self.failure(["reason": "503"])) == .serviceUnavailable)
        #expect(DisconnectReason(node: Self.failure(["reason": "413"])) == .serverError(code: 413))
        #expect(DisconnectReason(node: Self.failure(["reason": "odd"])) == .serverError(code: nil))
        #expect(DisconnectReason(node: Self.failure([:])) == .serverError(code: nil))
    }

    @Test func streamErrors() {
        func streamError(_ code: String?, conflict: String? = nil) -> Node {
            var attributes: Node.Attributes = [:]
            if let code { attributes = ["code": .string(code)] }
            let children = conflict.map { [Node(tag: "conflict", attributes: ["type": .string($0)])] } ?? []
            return Node(tag: "stream:error", attributes: attributes, children: children)
        }
        #expect(DisconnectReason(node: streamError("515")) == .restartRequired)
        #expect(DisconnectReason(node: streamError("401", conflict: "device_removed")) == .loggedOut)
        #expect(DisconnectReason(node: streamError(nil, conflict: "device_removed")) == .loggedOut)
        #expect(DisconnectReason(node: streamError("401")) == .loggedOut)
        #expect(DisconnectReason(node: streamError(nil, conflict: "replaced")) == .replaced)
        #expect(DisconnectReason(node: streamError(nil, conflict: "something_new")) == .replaced)
        #expect(DisconnectReason(node: streamError("440")) == .replaced)
        #expect(DisconnectReason(node: streamError("503")) == .serviceUnavailable)
        #expect(DisconnectReason(node: streamError("500")) == .serverError(code: 500))
        #expect(DisconnectReason(node: streamError(nil)) == .serverError(code: nil))
    }

    @Test func otherEndingNodes() {
        #expect(DisconnectReason(node: Node(tag: "xmlstreamend")) == .serverClosed)
        #expect(
            DisconnectReason(node: Node(tag: "ib", children: [Node(tag: "downgrade_webclient")])) == .multideviceMismatch)
    }

    @Test func ordinaryNodesAreNotReasons() {
        #expect(DisconnectReason(node: Node(tag: "ib", children: [Node(tag: "offline")])) == nil)
        #expect(DisconnectReason(node: Node(tag: "message", attributes: ["id": "1"])) == nil)
        #expect(DisconnectReason(node: Node(tag: "success")) == nil)
    }

    // MARK: - Baileys codes

    @Test(arguments: [
        (401, DisconnectReason.loggedOut), (403, .forbidden(message: nil)), (405, .clientOutdated),
        (408, .timedOut), (411, .multideviceMismatch), (428, .connectionClosed), (440, .replaced),
        (500, .serverError(code: 500)), (503, .serviceUnavailable), (515, .restartRequired),
        (402, .temporarilyBanned(code: nil, expiresIn: nil)), (406, .banned), (409, .userAgentRejected),
        (599, .serverError(code: 599)),
    ])
    func baileysCodesRoundTrip(code: Int, reason: DisconnectReason) {
        #expect(DisconnectReason(statusCode: code) == reason)
        #expect(reason.statusCode == code)
    }

    // MARK: - Decisions

    /// The decision without its reason text, to compare categories.
    enum Kind: Equatable { case reconnectNow, backoff, pair, stop, fail }

    static func kind(_ decision: DisconnectDecision) -> Kind {
        switch decision {
        case .reconnectNow: .reconnectNow
        case .backoff: .backoff
        case .discardSessionAndPair: .pair
        case .stop: .stop
        case .fail: .fail
        }
    }

    static let expectedDecisions: [(DisconnectReason, Kind)] = [
        (.loggedOut, .pair),
        (.replaced, .stop),
        (.restartRequired, .reconnectNow),
        (.qrRefsExhausted, .reconnectNow),
        (.temporarilyBanned(code: 101, expiresIn: .seconds(60)), .fail),
        (.forbidden(message: "LOCKED"), .fail),
        (.clientOutdated, .fail),
        (.banned, .fail),
        (.userAgentRejected, .fail),
        (.multideviceMismatch, .fail),
        (.timedOut, .backoff),
        (.connectionClosed, .backoff),
        (.serviceUnavailable, .backoff),
        (.serverError(code: 500), .backoff),
        (.serverError(code: nil), .backoff),
        (.networkLost(detail: "ECONNRESET"), .backoff),
        (.handshakeFailed(detail: "no ServerHello in 20 s"), .backoff),
        (.tlsFailure(detail: "certificate expired"), .backoff),
        (.keepaliveTimeout, .backoff),
        (.serverClosed, .backoff),
    ]

    @Test(arguments: expectedDecisions)
    func decision(reason: DisconnectReason, expected: Kind) {
        #expect(Self.kind(reason.decision) == expected, "\(reason)")
    }

    @Test func baileysNumbersDecideAsTheBriefSays() {
        #expect(DisconnectReason(statusCode: 401).decision.isPair)
        #expect(DisconnectReason(statusCode: 440).decision == .stop(reason: "replaced: another connection took over this device"))
        #expect(DisconnectReason(statusCode: 515).decision == .reconnectNow)
        for code in [403, 405, 411] { #expect(Self.kind(DisconnectReason(statusCode: code).decision) == .fail, "\(code)") }
        for code in [408, 428, 500, 503] { #expect(DisconnectReason(statusCode: code).decision == .backoff, "\(code)") }
    }

    @Test func reasonsSayWhatHappened() {
        guard case .discardSessionAndPair(let loggedOut) = DisconnectReason.loggedOut.decision else {
            Issue.record("401 must discard and pair")
            return
        }
        #expect(loggedOut.contains("the phone removed this device"))
        #expect(loggedOut.hasPrefix("logged_out"))
        guard case .fail(let outdated) = DisconnectReason.clientOutdated.decision else {
            Issue.record("405 must fail")
            return
        }
        #expect(outdated.contains("rejected the client version (405)"))
        #expect(DisconnectReason.networkLost(detail: "ECONNRESET").description == "network lost: ECONNRESET")
        #expect(DisconnectReason.networkLost(detail: nil).description == "network lost")
    }
}

extension DisconnectDecision {
    fileprivate var isPair: Bool {
        if case .discardSessionAndPair = self { return true }
        return false
    }
}
