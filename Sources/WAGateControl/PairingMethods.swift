import Foundation
import WAGateCore
import WAGateStore

/// Control methods for pairing requests from unknown senders (`pairing.list`, `pairing.approve`,
/// `pairing.reject`). Requests and approvals live in PostgreSQL, so any gateway process can answer.
public struct PairingMethods: Sendable {
    private let registry: Registry
    private let pairing: PairingRepository

    /// Creates the methods.
    public init(registry: Registry, pairing: PairingRepository) {
        self.registry = registry
        self.pairing = pairing
    }

    /// Registers every method in `methods`.
    public func register(in methods: inout ControlMethods) {
        let registry = self.registry
        let pairing = self.pairing

        methods.register("pairing.list", description: "Pending pairing requests of an account, oldest first: {account}.") { _, params in
            try params.rejectUnknownParams(allowed: ["account"])
            let account = try GatewayMethods.account(params, registry)
            let requests = try await Self.store { try await pairing.pending(accountID: account.id.description, ttl: PairingCode.ttl) }
            let formatter = ISO8601DateFormatter()
            return [
                "account": .string(account.id.description),
                "requests": .array(
                    requests.map { request in
                        var object: [String: JSONValue] = [
                            "code": .string(request.code), "sender": .string(request.sender),
                            "requested_at": .string(formatter.string(from: request.createdAt)),
                            "expires_at": .string(formatter.string(from: request.createdAt.addingTimeInterval(3600))),
                        ]
                        if let meta = request.meta, let parsed = try? JSONValue.parse(meta) { object["meta"] = parsed }
                        return .object(object)
                    }),
            ]
        }

        methods.register(
            "pairing.approve", description: "Approve a pending pairing request by its code: {account, code}.", mutating: true
        ) { context, params in
            try params.rejectUnknownParams(allowed: ["account", "code"])
            let account = try GatewayMethods.account(params, registry)
            let code = try params.requireString("code")
            let sender = try await Self.store {
                try await pairing.approve(
                    accountID: account.id.description, code: code, ttl: PairingCode.ttl, approvedBy: "uid \(context.peer.uid)")
            }
            guard let sender else { throw Self.noRequest(code, account) }
            return ["account": .string(account.id.description), "approved": .string(sender)]
        }

        methods.register(
            "pairing.reject", description: "Reject a pending pairing request by its code: {account, code}.", mutating: true
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "code"])
            let account = try GatewayMethods.account(params, registry)
            let code = try params.requireString("code")
            let sender = try await Self.store { try await pairing.reject(accountID: account.id.description, code: code) }
            guard let sender else { throw Self.noRequest(code, account) }
            return ["account": .string(account.id.description), "rejected": .string(sender)]
        }
    }

    static func noRequest(_ code: String, _ account: Account) -> ControlError {
        ControlError(
            code: 107, message: "No pending pairing request found for code: \(code)", kind: "gw.NoPairingRequest",
            data: ["account": .string(account.id.description), "code": .string(code)])
    }

    static func store<T: Sendable>(_ body: () async throws -> T) async throws(ControlError) -> T {
        do { return try await body() } catch { throw ControlError.internalError("the pairing store failed: \(error)") }
    }
}
