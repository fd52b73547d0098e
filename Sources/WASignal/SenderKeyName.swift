/// The key of a sender key record: one group and one sending device.
///
/// For WhatsApp the group id is the group JID string (`120363…@g.us`, or `status@broadcast`) and the
/// sender is the author's device address (`SignalAddress`, LID form in LID-addressed groups). The name
/// never travels on the wire; it only has to be the same every time the same sender is looked up.
public struct SenderKeyName: Hashable, Sendable, CustomStringConvertible {
    /// The group JID string.
    public let groupId: String
    /// The sending device.
    public let sender: SignalAddress

    /// The sender key name of `sender` in `groupId`.
    public init(groupId: String, sender: SignalAddress) {
        self.groupId = groupId
        self.sender = sender
    }

    /// `group::name.device`.
    public var description: String { "\(groupId)::\(sender)" }
}
