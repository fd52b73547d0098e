import Testing

@testable import WAGateProviders

@Suite struct ServerSentEventParserTests {
    /// Parses `bytes` fed in pieces of `size`, then finishes.
    private func parse(_ text: String, every size: Int) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for piece in Fixtures.pieces(text, every: size) { events += parser.parse(piece) }
        return events + parser.finish()
    }

    @Test func eventsAreTheSameHoweverTheBytesAreSplit() {
        let stream =
            "event: content_block_delta\r\ndata: {\"text\":\"héllo 👋\"}\r\n\r\n: keep-alive\r\n\r\n"
            + "data: first line\rdata: second line\r\rid: 7\nevent: done\ndata:no space\n\n"
        let expected = [
            ServerSentEvent(event: "content_block_delta", data: "{\"text\":\"héllo 👋\"}"),
            ServerSentEvent(data: "first line\nsecond line"),
            ServerSentEvent(event: "done", data: "no space", id: "7"),
        ]
        for size in [1, 2, 3, 5, 7, 64, 4096] {
            #expect(parse(stream, every: size) == expected, "pieces of \(size) bytes")
        }
    }

    @Test func eventsWithoutDataAreNotDispatched() {
        #expect(parse("event: ping\n\n: comment only\n\nretry: 100\n\n", every: 3).isEmpty)
    }

    @Test func anUnterminatedLastEventIsKeptAtTheEnd() {
        #expect(parse("data: [DONE]", every: 4) == [ServerSentEvent(data: "[DONE]")])
        #expect(parse("data: a\ndata: b\n", every: 1) == [ServerSentEvent(data: "a\nb")])
    }

    @Test func aByteOrderMarkAndEmptyDataLinesAreHandled() {
        #expect(parse("\u{FEFF}data: x\n\ndata\ndata\n\n", every: 1) == [ServerSentEvent(data: "x"), ServerSentEvent(data: "\n")])
    }
}
