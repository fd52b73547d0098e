import Testing
import WABinary

@testable import WAWeb

/// The session's internal queue and IQ table, without sockets.
@Suite(.timeLimit(.minutes(1)))
struct SessionPlumbingTests {
    struct Boom: Error {}

    static func tag(_ event: WAWebSessionEvent?) -> String? {
        if case .node(let node) = event { return node.tag }
        return nil
    }

    @Test func queueDeliversInOrderThenTheErrorOnceThenEnds() async throws {
        let queue = SessionEventQueue(capacity: 2)
        await queue.push(.node(Node(tag: "a")))
        await queue.push(.node(Node(tag: "b")))
        queue.finish(throwing: Boom())
        #expect(Self.tag(try await queue.next()) == "a")
        #expect(Self.tag(try await queue.next()) == "b")
        await #expect(throws: Boom.self) { try await queue.next() }
        #expect(try await queue.next() == nil)
    }

    @Test func fullQueueHoldsTheProducerUntilConsumed() async throws {
        let queue = SessionEventQueue(capacity: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for name in ["a", "b", "c"] { await queue.push(.node(Node(tag: name))) }
                queue.finish()
            }
            var tags: [String] = []
            while let event = try await queue.next() { tags.append(Self.tag(event) ?? "?") }
            #expect(tags == ["a", "b", "c"])
            try await group.waitForAll()
        }
    }

    @Test func finishReleasesABlockedProducer() async {
        let queue = SessionEventQueue(capacity: 1)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await queue.push(.node(Node(tag: "a")))
                await queue.push(.node(Node(tag: "b")))  // full: waits until finish
            }
            queue.finish()
            await group.waitForAll()
        }
    }

    @Test func answerArrivingBeforeTheWaitIsKept() async throws {
        let pending = PendingIQs()
        try pending.register("1")
        #expect(pending.complete("1", with: .success(Node(tag: "iq", attributes: ["id": "1"]))))
        #expect(try await pending.wait(for: "1").attribute("id") == "1")
        #expect(!pending.complete("1", with: .success(Node(tag: "iq"))), "an id is answered once")
        #expect(!pending.complete("unknown", with: .success(Node(tag: "iq"))))
    }

    @Test func closeFailsWaitersAndLaterRegistrations() async throws {
        let pending = PendingIQs()
        try pending.register("1")
        pending.close(with: Boom())
        await #expect(throws: Boom.self) { try await pending.wait(for: "1") }
        #expect(throws: Boom.self) { try pending.register("2") }
    }
}
