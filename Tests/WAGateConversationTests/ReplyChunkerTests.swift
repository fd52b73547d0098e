import Foundation
import Testing
import WAGateConversation
import WAGateCore

@Suite struct ReplyChunkerTests {
    @Test func shortTextIsOneChunkWithPrefix() throws {
        let chunker = ReplyChunker(limit: 20, prefix: "[bot] ")
        #expect(try chunker.chunks("hello") == ["[bot] hello"])
    }

    @Test func exactLimitIsOneChunkAndOneMoreSplits() throws {
        let chunker = ReplyChunker(limit: 10)
        #expect(try chunker.chunks("abcdefghij") == ["abcdefghij"])
        #expect(try chunker.chunks("abcdefghijk") == ["abcdefghij", "k"])
    }

    @Test func breaksAtLastNewlineThenSpace() throws {
        let chunker = ReplyChunker(limit: 12)
        #expect(try chunker.chunks("one two\nthree four") == ["one two", "three four"])
        #expect(try chunker.chunks("aaa bbb ccc ddd") == ["aaa bbb ccc", "ddd"])
    }

    @Test func prefixCountsTowardTheLimit() throws {
        let chunker = ReplyChunker(limit: 8, prefix: ">> ")
        let chunks = try chunker.chunks("aaaa bbbb cccc")
        #expect(chunks == [">> aaaa", ">> bbbb", ">> cccc"])
        #expect(chunks.allSatisfy { $0.count <= 8 })
    }

    @Test func limitNotAbovePrefixThrows() {
        let chunker = ReplyChunker(limit: 3, prefix: "abc")
        #expect(throws: ReplyChunker.ChunkError.limitTooSmall(limit: 3, prefixLength: 3)) {
            try chunker.chunks("x")
        }
    }

    @Test func emojiZWJAndCJKNeverSplit() throws {
        let family = "👨‍👩‍👧‍👦"
        let text = String(repeating: family, count: 7) + String(repeating: "漢", count: 5) + "e\u{301}"
        let chunks = try ReplyChunker(limit: 4).chunks(text)
        #expect(chunks.joined() == text)
        #expect(chunks.allSatisfy { $0.count <= 4 })
        #expect(chunks[0] == String(repeating: family, count: 4))
    }

    @Test func noEmptyOrBlankChunks() throws {
        let chunks = try ReplyChunker(limit: 5, mode: .newline).chunks("\n\n   \n\nab\n\n\n\n  \ncd  ef gh\n\n")
        #expect(!chunks.isEmpty)
        #expect(chunks.allSatisfy { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
        #expect(try ReplyChunker(limit: 5).chunks("   \n  ").isEmpty)
    }

    @Test func newlineModeOneMessagePerParagraph() throws {
        let chunker = ReplyChunker(limit: 100, mode: .newline, prefix: "* ")
        #expect(try chunker.chunks("first\nstill first\n\nsecond\n\n\nthird") == [
            "* first\nstill first", "* second", "* third",
        ])
        let long = try ReplyChunker(limit: 10, mode: .newline).chunks("short\n\naaaa bbbb cccc")
        #expect(long == ["short", "aaaa bbbb", "cccc"])
    }

    @Test func fenceIsClosedAndReopenedWithInfoString() throws {
        let code = (1...12).map { "let v\($0) = \($0)" }.joined(separator: "\n")
        let text = "Here:\n```swift\n" + code + "\n```\nDone."
        let chunks = try ReplyChunker(limit: 60).chunks(text)
        #expect(chunks.count > 2)
        #expect(chunks.allSatisfy { $0.count <= 60 })
        for (index, chunk) in chunks.enumerated() {
            let fences = chunk.split(separator: "\n").filter { $0.hasPrefix("```") }
            #expect(fences.count % 2 == 0, "unbalanced chunk: \(chunk)")
            if index > 0 && index < chunks.count - 1 { #expect(chunk.hasPrefix("```swift\n")) }
        }
        // Reassembled code is intact.
        let body = chunks.joined(separator: "\n")
            .replacingOccurrences(of: "\n```\n```swift\n", with: "\n")
        #expect(body.contains(code))
        #expect(chunks.last?.hasSuffix("Done.") == true)
    }

    @Test func prefersABreakOutsideAFenceToSplittingIt() throws {
        let text = "intro line\n```\ncode a\ncode b\n```\nend"
        #expect(try ReplyChunker(limit: 30).chunks(text) == ["intro line", "```\ncode a\ncode b\n```\nend"])
        // Spaces inside a fence are not break points either.
        #expect(try ReplyChunker(limit: 22).chunks("see:\n```\na b c d e f\n```") == ["see:", "```\na b c d e f\n```"])
    }

    @Test func randomTextNeverExceedsTheLimitOrYieldsBlankChunks() throws {
        var rng = SplitMix(seed: 42)
        let words = ["a", "bb", "ccc ", "\n", "\n\n", "```py\n", "\n```\n", "👍🏽", "漢字", " ", "longerword"]
        for _ in 0..<300 {
            let text = (0..<Int(rng.next() % 80)).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined()
            let limit = Int(rng.next() % 30) + 3
            let mode: WhatsAppSettings.ChunkMode = rng.next() % 2 == 0 ? .length : .newline
            let chunks = try ReplyChunker(limit: limit, mode: mode, prefix: "> ").chunks(text)
            for chunk in chunks {
                #expect(chunk.count <= limit, "\(chunk.debugDescription) over \(limit)")
                #expect(chunk.dropFirst(2).contains { !$0.isWhitespace })
            }
        }
    }

    @Test func settingsInitUsesResolvedValues() throws {
        var settings = ResolvedAccountSettings()
        settings.textChunkLimit = 6
        settings.messagePrefix = "P:"
        settings.chunkMode = .newline
        let chunker = ReplyChunker(settings: settings)
        #expect(try chunker.chunks("ab\n\ncd") == ["P:ab", "P:cd"])
    }
}
