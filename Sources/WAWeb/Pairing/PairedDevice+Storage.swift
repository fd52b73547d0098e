import Foundation
import WABinary
import WAGateCrypto

/// The linked device as one stored entry of the account's sealed credential store.
///
/// JSON inside the sealed value: the fields are few, change rarely, and a readable shape makes a
/// future field an optional key instead of a format version.
extension PairedDevice {
    /// The name of the stored entry; its presence is what "linked" means for an account.
    public static let entryName = "paired-device"

    private struct Stored: Codable {
        var account: Data
        var accountSignatureKey: Data
        var jid: String
        var lid: String?
        var platform: String?
        var businessName: String?
        var keyIndex: UInt32
    }

    /// The bytes to seal.
    public func storedValue() throws -> SecretBytes {
        let stored = Stored(
            account: Data(account), accountSignatureKey: Data(accountSignatureKey), jid: jid.description,
            lid: lid?.description, platform: platform, businessName: businessName, keyIndex: keyIndex)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var bytes = Array(try encoder.encode(stored))
        defer { SecretBytes.wipe(&bytes) }
        return try SecretBytes(copying: bytes)
    }

    /// Rebuilds the device from its stored bytes.
    /// - Throws: `CryptoError.malformed` when the entry is not a stored device.
    public init(storedValue: SecretBytes) throws {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: Data(storedValue.copyBytes()))
        } catch {
            throw CryptoError(.malformed, "stored credential \"\(Self.entryName)\" is not a linked device: \(error)")
        }
        guard let jid = JID(stored.jid), jid.server == JID.Server.defaultUser else {
            throw CryptoError(.malformed, "stored credential \"\(Self.entryName)\" has an invalid device JID \(stored.jid)")
        }
        self.init(
            account: Array(stored.account), accountSignatureKey: Array(stored.accountSignatureKey), jid: jid,
            lid: stored.lid.flatMap(JID.init), platform: stored.platform, businessName: stored.businessName,
            keyIndex: stored.keyIndex)
    }
}
