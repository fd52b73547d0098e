import WAGateCore

/// Splits a reply into WhatsApp-sized messages by `textChunkLimit`, `chunkMode` and `messagePrefix`.
///
/// Limits count Swift `Character`s, so grapheme clusters (emoji, ZWJ sequences) are never split.
/// The prefix is added to every chunk and counts toward the limit.
public struct ReplyChunker: Sendable, Hashable {
    /// Why a reply could not be chunked.
    public enum ChunkError: Error, Sendable, Hashable {
        /// The prefix leaves no room for text within the limit.
        case limitTooSmall(limit: Int, prefixLength: Int)
    }

    /// Maximum characters per message, prefix included.
    public var limit: Int
    /// How the reply is split.
    public var mode: WhatsAppSettings.ChunkMode
    /// Added to the start of every chunk.
    public var prefix: String

    /// Creates a chunker.
    public init(limit: Int, mode: WhatsAppSettings.ChunkMode = .length, prefix: String? = nil) {
        self.limit = limit
        self.mode = mode
        self.prefix = prefix ?? ""
    }

    /// Creates a chunker from an account's resolved settings.
    public init(settings: ResolvedAccountSettings) {
        self.init(limit: settings.textChunkLimit, mode: settings.chunkMode, prefix: settings.messagePrefix)
    }

    /// The messages to send for `text`, each at most ``limit`` characters with the prefix; never empty.
    ///
    /// Throws ``ChunkError/limitTooSmall(limit:prefixLength:)`` when the prefix leaves no room for text.
    /// When the limit is too small to close and reopen a fence, fenced text is split plainly.
    public func chunks(_ text: String) throws(ChunkError) -> [String] {
        let budget = limit - prefix.count
        guard budget >= 1 else { throw .limitTooSmall(limit: limit, prefixLength: prefix.count) }
        let pieces: [String]
        switch mode {
        case .length:
            pieces = Self.splitLength(text, budget: budget)
        case .newline:
            pieces = Self.paragraphs(text).flatMap { Self.splitLength($0, budget: budget) }
        }
        return pieces.filter { !Self.isBlank($0) }.map { prefix + $0 }
    }

    static func isBlank(_ text: some StringProtocol) -> Bool {
        text.allSatisfy { $0.isWhitespace }
    }

    /// Blank-line separated paragraphs; blank lines inside a code fence do not separate.
    static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if fenceInfo(line) != nil { inFence.toggle() }
            if !inFence && isBlank(line) {
                if !current.isEmpty { result.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: "\n")) }
        return result
    }

    /// The info string when `line` is a fence line (```` ``` ```` after optional indentation).
    static func fenceInfo(_ line: some StringProtocol) -> String? {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.hasPrefix("```") else { return nil }
        return String(trimmed.dropFirst(3)).trimmingWhitespace()
    }

    /// Splits by length: at the last newline, else the last whitespace, before the budget;
    /// a fence that must be split is closed and reopened with its info string.
    static func splitLength(_ text: String, budget: Int) -> [String] {
        let chars = Array(text)
        var result: [String] = []
        var start = 0
        var openFence: String?  // info string of a fence that is open at `start`
        while start < chars.count {
            // Skip leading newlines at a chunk boundary so no chunk starts blank.
            if openFence == nil {
                while start < chars.count, chars[start] == "\n" || chars[start] == " " { start += 1 }
                if start >= chars.count { break }
            }
            let closeLength = 4  // "\n```"
            var reopen = openFence.map { "```" + $0 + "\n" } ?? ""
            // A limit too small for a reopened fence plus text: plain splitting, so no chunk exceeds it.
            if reopen.count + closeLength + 1 > budget { reopen = "" }
            let remaining = chars.count - start
            // Whole rest fits (with a reopen line).
            if reopen.count + remaining <= budget {
                result.append(reopen + String(chars[start...]))
                break
            }
            // First try the whole budget; if the chunk would end inside a fence, make room to close it.
            var (end, fence) = cut(chars, start: start, room: max(1, budget - reopen.count), openFence: openFence)
            if fence != nil, reopen.count + (end - start) + closeLength > budget {
                (end, fence) = cut(chars, start: start, room: max(1, budget - reopen.count - closeLength), openFence: openFence)
            }
            var body = reopen + String(chars[start..<end])
            if fence != nil, body.count + closeLength <= budget { body += "\n```" }
            result.append(body)
            openFence = fence
            start = end
            if openFence != nil, start < chars.count, chars[start] == "\n" { start += 1 }
        }
        return result
    }

    /// Where a chunk of at most `room` characters from `start` ends, and the fence left open there.
    ///
    /// Break points outside code fences win: the last newline, else the last space or tab. Only when the
    /// window has none outside a fence does it break at a newline inside one (the caller then closes and
    /// reopens the fence), else exactly at the window's end.
    static func cut(_ chars: [Character], start: Int, room: Int, openFence: String?) -> (Int, String?) {
        var end = min(chars.count, start + room)
        if end < chars.count {
            var fence = openFence
            var lineStart = start
            var newlineOutside: Int?
            var spaceOutside: Int?
            var newlineInside: Int?
            var lineIsFence = startsFence(chars, at: start)
            // A break character exactly at the window's end keeps the chunk at `room` characters.
            for index in start...end {
                let char = chars[index]
                if char == "\n" {
                    if let info = fenceInfo(String(chars[lineStart..<index])) { fence = fence == nil ? info : nil }
                    if index > start {
                        if fence == nil { newlineOutside = index } else { newlineInside = index }
                    }
                    lineStart = index + 1
                    lineIsFence = startsFence(chars, at: lineStart)
                } else if char == " " || char == "\t", index > start, fence == nil, !lineIsFence {
                    spaceOutside = index
                }
            }
            end = newlineOutside ?? spaceOutside ?? newlineInside ?? end
        }
        var fence = openFence
        for line in String(chars[start..<end]).split(separator: "\n", omittingEmptySubsequences: false) {
            if let info = fenceInfo(line) { fence = fence == nil ? info : nil }
        }
        return (end, fence)
    }

    /// Whether the line starting at `index` is a fence line (```` ``` ```` after optional spaces).
    static func startsFence(_ chars: [Character], at index: Int) -> Bool {
        var index = index
        while index < chars.count, chars[index] == " " { index += 1 }
        return index + 2 < chars.count && chars[index] == "`" && chars[index + 1] == "`" && chars[index + 2] == "`"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
