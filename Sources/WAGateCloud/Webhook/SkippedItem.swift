/// Why one item of a webhook change was skipped; it becomes a `CloudWebhookEvent.ignored` entry.
struct SkippedItem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
