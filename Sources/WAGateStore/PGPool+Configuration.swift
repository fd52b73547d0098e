extension PGPool {
    /// How a `PGPool` sizes itself and names its threads.
    public struct Configuration: Sendable {
        /// The number of connections (each with its own thread); they are created on first use.
        public var size: Int
        /// How many tasks may wait for a connection before `withConnection` fails with `poolExhausted`.
        public var maxWaiters: Int
        /// Prefix of the connection threads' names; Linux shows the first 15 bytes.
        public var threadNamePrefix: String

        /// - Parameters:
        ///   - size: connections in the pool (at least 1); 4 by default.
        ///   - maxWaiters: bound of the waiting queue; 1024 by default.
        ///   - threadNamePrefix: `wagate-pg` by default, giving threads `wagate-pg-1`, `wagate-pg-2`, ….
        public init(size: Int = 4, maxWaiters: Int = 1024, threadNamePrefix: String = "wagate-pg") {
            self.size = max(1, size)
            self.maxWaiters = max(0, maxWaiters)
            self.threadNamePrefix = threadNamePrefix
        }
    }
}
