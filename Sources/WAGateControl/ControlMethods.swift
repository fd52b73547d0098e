import WAGateCore

/// The table of methods a ``ControlServer`` serves, besides its built-ins (`rpc.info`, `events.subscribe`,
/// `events.unsubscribe`).
///
/// ```swift
/// var methods = ControlMethods()
/// methods.register("accounts.stop", description: "Stop an account's connection", mutating: true) { context, params in
///     let account = try params.requireString("account")
///     try await registry.stop(account)
///     return ["account": .string(account), "state": "stopped"]
/// }
/// let server = ControlServer(configuration: .init(), methods: methods, eventBus: bus, logger: logger)
/// ```
public struct ControlMethods: Sendable {
    /// A method implementation: gets the call's context and its params (always an object; `{}` when the request
    /// had none) and returns the result. Throw ``ControlError`` for errors the caller should see.
    public typealias Handler = @Sendable (ControlRequestContext, JSONValue) async throws -> JSONValue

    /// One registered method.
    public struct Method: Sendable {
        /// The method name, e.g. `"accounts.stop"`.
        public var name: String
        /// One line for `rpc.info`.
        public var description: String
        /// Whether the method changes state: such calls are logged with the peer and passed to the audit hook.
        public var isMutating: Bool
        /// The implementation.
        public var handler: Handler
    }

    /// Names served by the server itself; registering one of them is a programming error.
    public static let builtInNames: Set<String> = ["rpc.info", "events.subscribe", "events.unsubscribe"]

    private var table: [String: Method] = [:]

    /// An empty table.
    public init() {}

    /// Registers (or replaces) a method.
    /// - Parameters:
    ///   - name: The method name; must not be a built-in name or start with `rpc.`.
    ///   - description: One line shown by `rpc.info`.
    ///   - mutating: Whether the method changes state (logged and audited per call).
    ///   - handler: The implementation.
    public mutating func register(
        _ name: String, description: String, mutating: Bool = false, handler: @escaping Handler
    ) {
        precondition(!name.isEmpty, "method name must not be empty")
        precondition(
            !Self.builtInNames.contains(name) && !name.hasPrefix("rpc."),
            "\(name) is reserved for the control server's built-in methods")
        table[name] = Method(name: name, description: description, isMutating: mutating, handler: handler)
    }

    /// The method called `name`, if registered.
    public subscript(name: String) -> Method? { table[name] }

    /// All registered methods, sorted by name.
    public var all: [Method] { table.values.sorted { $0.name < $1.name } }
}
