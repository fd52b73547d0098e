import Synchronization
import WAGateCloud
import WAGateHTTP

/// A sink that records what it is given, serves a fixed set of phone numbers, and fails on demand.
final class RecordingSink: CloudWebhookSink {
    struct Failure: Error {}

    let servedNumbers: Set<String>
    let failing: Bool
    private let received = Mutex<[(appID: String, batch: CloudPhoneNumberBatch)]>([])
    private let accountBatches = Mutex<[CloudBusinessAccountBatch]>([])

    init(servedNumbers: Set<String>, failing: Bool = false) {
        self.servedNumbers = servedNumbers
        self.failing = failing
    }

    var batches: [(appID: String, batch: CloudPhoneNumberBatch)] { received.withLock { $0 } }
    var businessAccountBatches: [CloudBusinessAccountBatch] { accountBatches.withLock { $0 } }

    func receive(_ batch: CloudPhoneNumberBatch, appID: String) async throws -> CloudWebhookDisposition {
        received.withLock { $0.append((appID, batch)) }
        if failing { throw Failure() }
        return servedNumbers.contains(batch.phoneNumberID) ? .accepted : .notServedHere
    }

    func receive(_ batch: CloudBusinessAccountBatch, appID: String) async throws -> CloudWebhookDisposition {
        accountBatches.withLock { $0.append(batch) }
        return .accepted
    }
}
