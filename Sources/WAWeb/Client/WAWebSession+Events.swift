extension WAWebSession {
    /// The inbound events of a session (see `WAWebSession.events`).
    public struct Events: AsyncSequence, Sendable {
        /// A decoded node or an undecodable frame.
        public typealias Element = WAWebSessionEvent

        let queue: SessionEventQueue

        /// Creates the iterator; iterate from one task.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(queue: queue)
        }

        /// Iterates the events.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let queue: SessionEventQueue

            /// The next event, or nil once the connection closed.
            /// - Throws: the error that ended the connection (`WebSocketError`, `NoiseError`), or
            ///   `CancellationError`.
            public mutating func next() async throws -> WAWebSessionEvent? {
                try await queue.next()
            }
        }
    }
}
