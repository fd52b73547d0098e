import WAGateCore
import WAGateCrypto
import WAWeb

/// One WhatsApp Web account's keys and linked device in the sealed credential store.
///
/// Every entry is sealed with the account's data key by ``SealedCredentials``; nothing here ever
/// holds a plaintext key outside `SecretBytes`.
struct WebSessionStore: Sendable {
    let credentials: SealedCredentials
    let account: AccountID
    let authDir: String?

    /// What is stored for the account.
    struct Loaded: Sendable {
        var device: DeviceCredentials?
        var paired: PairedDevice?
    }

    /// Loads the device keys and the linked device. Keys that are absent or do not open count as
    /// "nothing stored": the caller generates fresh ones and shows a QR code.
    func load() async throws -> Loaded {
        switch try await credentials.load(account: account, authDir: authDir) {
        case .unreadable:
            // The session opener already discarded unreadable rows and said so; whatever is left
            // now (nothing) is a new device.
            return Loaded()
        case .values(let values):
            guard DeviceCredentials.EntryName.all.allSatisfy({ values[$0] != nil }) else { return Loaded() }
            let device = try DeviceCredentials(entries: values)
            let paired = try values[PairedDevice.entryName].map { try PairedDevice(storedValue: $0) }
            return Loaded(device: device, paired: paired)
        }
    }

    /// Stores freshly generated keys (before any QR code shows them).
    func save(_ device: DeviceCredentials) async throws {
        for (name, value) in try device.entries() {
            try await credentials.put(value, name: name, account: account, authDir: authDir)
        }
    }

    /// Stores the linked device; from now on the account logs in instead of pairing.
    func save(_ paired: PairedDevice) async throws {
        try await credentials.put(paired.storedValue(), name: PairedDevice.entryName, account: account, authDir: authDir)
    }

    /// Deletes everything stored for the account (the phone removed the device).
    @discardableResult
    func discard() async throws -> Int {
        try await credentials.discard(account: account)
    }
}
