/// A Signal protocol address: the name and device number a session, identity or sender key belongs to.
///
/// WhatsApp derives it from a device JID (wa-md-protocol §0, §10): the name is the JID's user for
/// phone-number (`s.whatsapp.net`) users and `user_<domain>` otherwise — `_1` for LIDs, `_128` for
/// hosted devices, `_129` for hosted LIDs — and the device is the JID's device number (0 = primary).
/// `12025550123:0@s.whatsapp.net` → `12025550123.0`; `123456789012345:3@lid` → `123456789012345_1.3`.
/// `description` gives that `name.device` form, which is also the key stores persist.
///
/// ```swift
/// let phone = SignalAddress.phoneNumber("12025550123", device: 0)
/// let lid = SignalAddress.lid("123456789012345", device: 3)      // "123456789012345_1.3"
/// let same = try SignalAddress(user: "123456789012345", server: "lid", device: 3)
/// ```
public struct SignalAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address name (JID user, with `_<domain>` for non-phone-number servers).
    public let name: String
    /// The device number. WhatsApp device numbers are 16-bit; every value fits the library's `int32_t`.
    public let deviceId: UInt16

    /// An address from its parts, as stored.
    public init(name: String, deviceId: UInt16) {
        self.name = name
        self.deviceId = deviceId
    }

    /// The address of a phone-number user's device (`<user>@s.whatsapp.net`, device `device`).
    public static func phoneNumber(_ user: String, device: UInt16 = 0) -> SignalAddress {
        SignalAddress(name: user, deviceId: device)
    }

    /// The address of a LID user's device (`<user>@lid`): name `<user>_1`.
    public static func lid(_ user: String, device: UInt16 = 0) -> SignalAddress {
        SignalAddress(name: "\(user)_1", deviceId: device)
    }

    /// The address of a device JID given as user, server and device.
    /// - Parameters:
    ///   - user: the JID's user part (digits), without device or agent.
    ///   - server: `s.whatsapp.net` (or its legacy alias `c.us`), `lid`, `hosted` or `hosted.lid`.
    ///   - device: the device number (0 for the primary device).
    /// - Throws: `SignalError.invalidArgument` for an empty user or a server that has no Signal addresses
    ///   (groups, broadcast lists, newsletters).
    public init(user: String, server: String, device: UInt16) throws {
        guard !user.isEmpty else { throw SignalError.invalidArgument }
        switch server {
        case "s.whatsapp.net", "c.us": self.init(name: user, deviceId: device)
        case "lid": self.init(name: "\(user)_1", deviceId: device)
        case "hosted": self.init(name: "\(user)_128", deviceId: device)
        case "hosted.lid": self.init(name: "\(user)_129", deviceId: device)
        default: throw SignalError.invalidArgument
        }
    }

    /// Parses the `name.device` form that `description` prints.
    /// - Throws: `SignalError.invalidArgument` when there is no `.`, the name is empty, or the device
    ///   is not a number in 0...65535.
    public init(parsing text: String) throws {
        guard let dot = text.lastIndex(of: "."), dot != text.startIndex,
            let device = UInt16(text[text.index(after: dot)...])
        else { throw SignalError.invalidArgument }
        self.init(name: String(text[..<dot]), deviceId: device)
    }

    /// `name.device`, e.g. `123456789012345_1.3`.
    public var description: String { "\(name).\(deviceId)" }
}
