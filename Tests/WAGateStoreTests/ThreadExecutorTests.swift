import Foundation
import Testing

@testable import WAGateStore

@Suite struct ThreadExecutorTests {
    actor Counter {
        let executor: ThreadExecutor
        nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
        var value = 0
        init(executor: ThreadExecutor) { self.executor = executor }
        func increment() -> Int {
            value += 1
            return value
        }
        func threadName() -> String? { Thread.current.name }
    }

    @Test func runsActorJobsOnItsThreadAndStopsCleanly() async {
        let name = "texec\(Int.random(in: 1000...9999))"
        let executor = ThreadExecutor(name: name)
        let counter = Counter(executor: executor)
        #expect(await counter.threadName() == name)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { _ = await counter.increment() } }
        }
        #expect(await counter.value == 100)
        #expect(threadCount(prefix: name) == 1)
        await executor.stopAndWait()
        #expect(!executor.isRunning)
        #expect(await threadsExit(prefix: name))
        // A late call still completes (on the fallback queue), one at a time.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { _ = await counter.increment() } }
        }
        #expect(await counter.value == 200)
    }
}
