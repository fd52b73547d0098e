/// An error of the storage layer: PostgreSQL, the connection pool, migrations and the embedded cluster.
///
/// Server errors keep PostgreSQL's SQLSTATE so that callers can react to specific conditions:
///
/// ```swift
/// do {
///     try await pool.execute("insert into allow_list (account_id, sender) values ($1, $2)", [.text(id), .text(jid)])
/// } catch let error as StoreError where error.isUniqueViolation {
///     // already approved
/// }
/// ```
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case connectionFailed, connectionLost, queryFailed, uniqueViolation, transactionRolledBack
            case decodeFailed, invalidArgument, poolClosed, poolExhausted, migrationFailed, embeddedPostgres
            case staleFence
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// The connection could not be opened (bad connection string, server down, authentication).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while in use (server restart, terminated backend); the pool replaces it.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected a statement; `sqlState` says why.
        public static let queryFailed = Code(.queryFailed)
        /// A unique constraint was violated (SQLSTATE 23505); `constraint` names it.
        public static let uniqueViolation = Code(.uniqueViolation)
        /// `COMMIT` rolled back because a statement inside the transaction had failed.
        public static let transactionRolledBack = Code(.transactionRolledBack)
        /// A result value could not be decoded as the requested type, or a column does not exist.
        public static let decodeFailed = Code(.decodeFailed)
        /// An argument cannot be sent to the server (for example too many parameters).
        public static let invalidArgument = Code(.invalidArgument)
        /// The pool was closed.
        public static let poolClosed = Code(.poolClosed)
        /// Too many tasks are already waiting for a pooled connection.
        public static let poolExhausted = Code(.poolExhausted)
        /// The migration files are malformed or a migration failed.
        public static let migrationFailed = Code(.migrationFailed)
        /// The embedded PostgreSQL cluster could not be set up, started or stopped.
        public static let embeddedPostgres = Code(.embeddedPostgres)
        /// An account's lease was lost (expired, or claimed by another process): stop the account
        /// without another write.
        public static let staleFence = Code(.staleFence)

        public var description: String { base.rawValue }
    }

    /// The error's code.
    public var code: Code
    /// A human-readable explanation (for server errors, the primary message).
    public var message: String
    /// PostgreSQL's five-character SQLSTATE, when the server reported the error.
    public var sqlState: String?
    /// The constraint that was violated, when the server named one.
    public var constraint: String?
    /// The full message from libpq (`PQresultErrorMessage` / `PQerrorMessage`), or a child process's log.
    public var underlyingMessage: String?

    init(
        _ code: Code, _ message: String, sqlState: String? = nil, constraint: String? = nil,
        underlyingMessage: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.underlyingMessage = underlyingMessage
    }

    /// Whether this is a unique-constraint violation (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "\(code): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let underlyingMessage, !underlyingMessage.isEmpty, !underlyingMessage.hasPrefix(message) {
            text += " — \(underlyingMessage.trimmingTrailingNewlines())"
        }
        return text
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last.isNewline { s = s.dropLast() }
        return String(s)
    }
}
