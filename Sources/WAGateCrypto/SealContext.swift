/// Where a sealed value belongs: the associated data that binds a ciphertext to its row.
///
/// A value sealed for `(device_credentials, acme/default, noise-key)` fails to open anywhere else, so an
/// attacker with write access to the database cannot swap rows between accounts or keys.
public struct SealContext: Sendable, Hashable {
    /// The table the value is stored in.
    public var table: String
    /// The account the value belongs to.
    public var accountID: String
    /// The row key within the account (credential name, message id, ...).
    public var key: String

    /// Creates a context.
    public init(table: String, accountID: String, key: String) {
        self.table = table
        self.accountID = accountID
        self.key = key
    }

    /// The associated data: a label, the format version and each field length-prefixed, so that
    /// `("a", "bc")` and `("ab", "c")` never produce the same bytes.
    func associatedData(version: UInt8) -> [UInt8] {
        var out = Array("wagate-seal".utf8)
        out.append(version)
        for field in [table, accountID, key] {
            let bytes = Array(field.utf8)
            let n = UInt32(bytes.count)
            out += [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
            out += bytes
        }
        return out
    }
}
