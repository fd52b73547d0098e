import Glibc

/// Settings of the ``ControlServer``. Every field has a default; tests shorten the timeouts and limits.
public struct ControlServerConfiguration: Sendable {
    /// The Unix socket's path. Its directory is created (mode 0750) if needed; the path must fit `sun_path`
    /// (at most 107 bytes).
    public var socketPath: String
    /// Peer uids (from `SO_PEERCRED`) allowed to talk to the server; others are closed without a reply.
    public var allowedUIDs: Set<uid_t>
    /// The longest request line in bytes (without the newline); a longer one gets `gw.LineTooLong` and a close.
    public var maxLineBytes: Int
    /// Open connections at most; more are answered `gw.TooManyConnections` and closed.
    public var maxConnections: Int
    /// Calls per connection that are running or whose answer is not yet written; at the limit the server stops
    /// reading from that connection (back-pressure, not an error), which also bounds unread answers in memory.
    public var maxInFlightPerConnection: Int
    /// Event notifications queued per connection at most (messages) before its subscription lags.
    public var outputQueueMaxMessages: Int
    /// Event notifications queued per connection at most (bytes) before its subscription lags.
    public var outputQueueMaxBytes: Int
    /// Undelivered events the bus holds per subscription before it lags (see `EventBus.subscribe`).
    public var subscriptionBufferLimit: Int
    /// Subscriptions per connection at most.
    public var maxSubscriptionsPerConnection: Int
    /// How long an unterminated line may stay incomplete before the connection is closed.
    public var partialLineTimeout: Duration
    /// A connection without subscriptions or running calls is closed after this long without a request.
    public var idleTimeout: Duration
    /// A connection whose call responses cannot be written for this long is closed.
    public var writeStallTimeout: Duration
    /// On graceful shutdown, how long open connections get to finish running calls before they are closed.
    public var shutdownGracePeriod: Duration
    /// Reported by `rpc.info` as `server_version`.
    public var serverVersion: String

    /// The default socket path, relative to the working directory.
    public static let defaultSocketPath = "./.wagate/control.sock"

    /// Creates a configuration; see each property for its meaning.
    public init(
        socketPath: String = ControlServerConfiguration.defaultSocketPath,
        allowedUIDs: Set<uid_t> = [geteuid(), 0],
        maxLineBytes: Int = 1 << 20,
        maxConnections: Int = 64,
        maxInFlightPerConnection: Int = 32,
        outputQueueMaxMessages: Int = 10_000,
        outputQueueMaxBytes: Int = 4 << 20,
        subscriptionBufferLimit: Int = 1_024,
        maxSubscriptionsPerConnection: Int = 16,
        partialLineTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(600),
        writeStallTimeout: Duration = .seconds(10),
        shutdownGracePeriod: Duration = .seconds(5),
        serverVersion: String = "dev"
    ) {
        self.socketPath = socketPath
        self.allowedUIDs = allowedUIDs
        self.maxLineBytes = maxLineBytes
        self.maxConnections = maxConnections
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.outputQueueMaxMessages = outputQueueMaxMessages
        self.outputQueueMaxBytes = outputQueueMaxBytes
        self.subscriptionBufferLimit = subscriptionBufferLimit
        self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        self.partialLineTimeout = partialLineTimeout
        self.idleTimeout = idleTimeout
        self.writeStallTimeout = writeStallTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.serverVersion = serverVersion
    }
}
