import Testing

@testable import WAGateProviders

@Suite struct ReplyBlockCoalescerTests {
    /// Feeds `text` in pieces of `size` characters and returns every block, the last one included.
    private func blocks(_ text: String, every size: Int, coalescer: ReplyBlockCoalescer) -> [String] {
        var coalescer = coalescer
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result += coalescer.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        if let last = coalescer.finish() { result.append(last) }
        return result
    }

    @Test func paragraphsEndBlocksOnceLongEnough() {
        let text = "First paragraph here.\n\nSecond one, a bit longer.\n\nThird."
        let coalescer = ReplyBlockCoalescer(minimumCharacters: 20, maximumCharacters: 200)
        for size in [1, 4, 100] {
            #expect(
                blocks(text, every: size, coalescer: coalescer) == [
                    "First paragraph here.", "Second one, a bit longer.", "Third.",
                ])
        }
        // Below the minimum, paragraphs stay together.
        #expect(blocks(text, every: 3, coalescer: .init(minimumCharacters: 40, maximumCharacters: 200)) == [
            "First paragraph here.\n\nSecond one, a bit longer.", "Third.",
        ])
    }

    @Test func longTextIsCutAtTheLastBreakBeforeTheMaximum() {
        let text = (1...40).map { "word\($0)" }.joined(separator: " ")
        let result = blocks(text, every: 7, coalescer: .init(minimumCharacters: 10, maximumCharacters: 50))
        #expect(result.allSatisfy { $0.count <= 50 })
        #expect(result.joined(separator: " ") == text)
    }

    @Test func aCutInsideACodeFenceClosesAndReopensIt() {
        let code = (1...30).map { "let value\($0) = \($0)" }.joined(separator: "\n")
        let text = "Here:\n\n```swift\n" + code + "\n```\n\nDone."
        let result = blocks(text, every: 5, coalescer: .init(minimumCharacters: 5, maximumCharacters: 120))
        for block in result where block.contains("let value") {
            #expect(block.hasPrefix("```swift\n"))
            #expect(block.hasSuffix("\n```"))
            #expect(block.count <= 124)
        }
        #expect(result.first == "Here:")
        #expect(result.last == "Done.")
    }

    @Test func aFenceWithoutBreaksStillMakesProgress() {
        let text = "```\n" + String(repeating: "x", count: 500)
        for maximum in [3, 4, 5, 6, 40] {
            let result = blocks(text, every: 9, coalescer: .init(minimumCharacters: 0, maximumCharacters: maximum))
            let xs = result.map { $0.filter { $0 == "x" }.count }.reduce(0, +)
            #expect(xs == 500, "maximum \(maximum)")
        }
    }
}
