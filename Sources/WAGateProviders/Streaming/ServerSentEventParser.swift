/// An incremental parser for `text/event-stream` bodies (the WHATWG HTML "server-sent events" format),
/// fed with the bytes as they arrive, however the network splits them.
///
/// - Lines end with `\n`, `\r\n` or `\r`, also when `\r` and `\n` arrive in different chunks.
/// - Lines are decoded as UTF-8 only once complete, so a character split across chunks is not damaged.
/// - `:` lines are comments (keep-alives) and are skipped; `event:`, `data:` (several are joined with
///   `\n`) and `id:` are kept; one space after the colon is removed; other fields are ignored.
/// - A blank line ends an event; an event without `data` is not dispatched, as the spec says.
/// - Unlike the spec, ``finish()`` dispatches an event left unterminated at the end of the body: some
///   servers close right after their last `data:` line, and dropping it would lose the end of a reply.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for try await chunk in response.body {
///     for event in parser.parse(chunk.readableBytesView) { handle(event) }
/// }
/// for event in parser.finish() { handle(event) }
/// ```
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var skipNextLineFeed = false
    private var atStart = true
    private var eventType: String?
    private var data: [String] = []
    private var hasData = false
    private var id: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Parses the next bytes of the stream.
    /// - Returns: The events completed by these bytes, in order.
    public mutating func parse(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if skipNextLineFeed {
                skipNextLineFeed = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                skipNextLineFeed = true
                if let event = endLine() { events.append(event) }
            case 0x0A:
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream: a last line without a line break and an event without its blank line are kept.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty, let event = endLine() { events.append(event) }
        if let event = dispatch() { events.append(event) }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        // A byte order mark may start the stream; it is not part of the first field name.
        if atStart {
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") { return nil }
        let field: String
        let value: String
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: bytes[..<colon], as: UTF8.self)
            var valueBytes = bytes[(colon + 1)...]
            if valueBytes.first == UInt8(ascii: " ") { valueBytes = valueBytes.dropFirst() }
            value = String(decoding: valueBytes, as: UTF8.self)
        } else {
            field = String(decoding: bytes, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": eventType = value
        case "data":
            data.append(value)
            hasData = true
        case "id" where !value.contains("\0"): id = value
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventType = nil
            data.removeAll()
            hasData = false
        }
        guard hasData else { return nil }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 }
        return ServerSentEvent(event: type, data: data.joined(separator: "\n"), id: id)
    }
}
