import ArgumentParser
import Foundation
import WAGateCore

/// How this process shares accounts with the other gateway processes on the same database.
struct ClusterOptions: ParsableArguments {
    @Option(help: "The most accounts this process runs (or WAGATE_CAPACITY; default: every configured account).")
    var capacity: Int?

    @Option(help: "Seconds an account's lease lasts without renewal (or WAGATE_LEASE_TTL; default 30); it is renewed every third of that, and a dead process's accounts move after about that long.")
    var leaseTTL: Double?

    /// The lease manager's configuration, or a `ValidationError` naming the option and the fix.
    func configuration(environment: [String: String], accounts: Int) throws -> LeaseManager.Configuration {
        let capacity = try capacity ?? environment["WAGATE_CAPACITY"].map { text in
            guard let n = Int(text) else { throw ValidationError("WAGATE_CAPACITY: expected a whole number, got \"\(text)\"") }
            return n
        }
        if let capacity, capacity < 0 { throw ValidationError("--capacity / WAGATE_CAPACITY: must be 0 or more, got \(capacity)") }
        let ttl = try leaseTTL ?? environment["WAGATE_LEASE_TTL"].map { text in
            guard let n = Double(text) else { throw ValidationError("WAGATE_LEASE_TTL: expected a number of seconds, got \"\(text)\"") }
            return n
        }
        if let ttl, !(1...3600).contains(ttl) {
            throw ValidationError("--lease-ttl / WAGATE_LEASE_TTL: must be between 1 and 3600 seconds, got \(ttl)")
        }
        return LeaseManager.Configuration(
            ttl: .milliseconds(Int64((ttl ?? 30) * 1000)), capacity: capacity ?? max(accounts, 1))
    }
}
