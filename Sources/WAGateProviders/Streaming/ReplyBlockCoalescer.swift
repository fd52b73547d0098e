/// Gathers streamed pieces of a reply into blocks worth sending as messages of their own.
///
/// A block ends at a paragraph break (a blank line) outside a code fence once it has at least
/// ``minimumCharacters``; a block that reaches ``maximumCharacters`` without one is cut at its last line
/// break, else its last space, else at the maximum. A cut inside a ``` fence closes the fence in this
/// block and reopens it in the next, so each message renders on its own. The defaults are OpenClaw's
/// block-streaming coalescing defaults (800 to 1200 characters); the idle flush OpenClaw also has is the
/// caller's business, since it needs a clock.
public struct ReplyBlockCoalescer: Sendable, Hashable {
    /// The fewest characters a block ends with at a paragraph break.
    public var minimumCharacters: Int
    /// The most characters in a block (a fence closed by a cut adds 4).
    public var maximumCharacters: Int
    private var buffer = ""

    /// Creates a coalescer.
    /// - Parameters:
    ///   - minimumCharacters: The fewest characters a block ends with at a paragraph break.
    ///   - maximumCharacters: The most characters in a block; use at most `textChunkLimit`.
    public init(minimumCharacters: Int = 800, maximumCharacters: Int = 1200) {
        self.maximumCharacters = max(maximumCharacters, 1)
        self.minimumCharacters = min(max(minimumCharacters, 0), self.maximumCharacters)
    }

    /// Adds a piece of the reply.
    /// - Returns: The blocks it completed, trimmed, in order.
    public mutating func append(_ piece: String) -> [String] {
        buffer += piece
        var blocks: [String] = []
        while let block = nextBlock() { blocks.append(block) }
        return blocks
    }

    /// Ends the reply.
    /// - Returns: What is left as a last block, `nil` when nothing is.
    public mutating func finish() -> String? {
        defer { buffer = "" }
        return buffer.trimmedNonEmpty
    }

    private mutating func nextBlock() -> String? {
        let characters = Array(buffer)
        // A buffer that starts with a fence line (one reopened by the previous cut) must not be cut inside
        // or right after that line: the rest would start with the same line again and never shrink.
        let protectedEnd = Self.fenceLine(characters, from: 0) == nil ? 0 : (characters.firstIndex(of: "\n") ?? characters.count) + 1
        // The opening line of the fence open at the current position, `nil` outside fences.
        var fence: String?
        var lastNewline: (index: Int, fence: String?)?
        var lastSpace: (index: Int, fence: String?)?
        var index = 0
        while index < characters.count {
            if index == 0 || characters[index - 1] == "\n", let line = Self.fenceLine(characters, from: index) {
                fence = fence == nil ? line : nil
            }
            if index >= maximumCharacters {
                let cut = lastNewline ?? lastSpace ?? (maximumCharacters, fence)
                let reopen = cut.index > protectedEnd ? cut.fence : nil
                return take(characters, upTo: cut.index, skip: cut.index == maximumCharacters ? 0 : 1, openFence: reopen)
            }
            switch characters[index] {
            case "\n":
                // A blank line outside a fence ends a paragraph.
                if fence == nil, index >= minimumCharacters, index + 1 < characters.count, characters[index + 1] == "\n" {
                    return take(characters, upTo: index, skip: 2, openFence: nil)
                }
                if index > protectedEnd { lastNewline = (index, fence) }
            case " ":
                if index > protectedEnd { lastSpace = (index, fence) }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// Removes `characters[..<end]` plus `skip` separator characters from the buffer and returns them as a
    /// block; a fence open at the cut is closed in the block and reopened at the start of the rest.
    private mutating func take(_ characters: [Character], upTo end: Int, skip: Int, openFence: String?) -> String? {
        var block = String(characters[..<end]).trimmed
        var rest = String(characters[min(end + skip, characters.count)...])
        if let openFence {
            block += "\n```"
            rest = openFence + "\n" + rest
        }
        buffer = rest
        return block.isEmpty ? nextBlock() : block
    }

    /// The line starting at `start` when it opens or closes a fence (``` after optional spaces).
    private static func fenceLine(_ characters: [Character], from start: Int) -> String? {
        var position = start
        while position < characters.count, characters[position] == " " { position += 1 }
        guard position + 2 < characters.count, characters[position...(position + 2)].allSatisfy({ $0 == "`" }) else {
            return nil
        }
        let end = characters[start...].firstIndex(of: "\n") ?? characters.count
        return String(characters[start..<end]).trimmed
    }
}
