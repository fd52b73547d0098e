/// An error WhatsApp reported for a message: the numeric code (Cloud API `error.code`, or the error
/// attribute of a WhatsApp Web ack) and what it says.
public struct SendFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The code, e.g. `131047`.
    public var code: Int
    /// Short title, e.g. `Re-engagement message`.
    public var title: String
    /// Longer explanation, when given.
    public var detail: String?

    /// Creates a failure.
    public init(code: Int, title: String, detail: String? = nil) {
        self.code = code
        self.title = title
        self.detail = detail
    }

    public var description: String {
        detail.map { "\(code) \(title): \($0)" } ?? "\(code) \(title)"
    }
}
