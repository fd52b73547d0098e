import WAGateCore

/// An error a control method reports to its caller, sent as a JSON-RPC error object:
/// `{"code": code, "message": message, "data": {"kind": kind, ...data}}`.
///
/// `code` is for programs that switch on numbers, `kind` is the stable, self-describing name (`gw.AccountNotFound`)
/// and `message` is for humans only. Throw it from a handler; any other error becomes `-32603 gw.Internal`.
///
/// ```swift
/// throw ControlError(code: 101, message: "account not found", kind: "gw.AccountNotFound", data: ["account": "sales"])
/// ```
public struct ControlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON-RPC codes and the gateway's transport/policy codes (`-32000...-32099`). Domain errors use positive codes.
    public enum Code {
        /// Invalid JSON or invalid UTF-8 (`gw.ParseError`).
        public static let parseError = -32700
        /// Not a valid request: batch, missing `jsonrpc`/`method`, bad `id`, line too long.
        public static let invalidRequest = -32600
        /// No such method (`gw.MethodNotFound`).
        public static let methodNotFound = -32601
        /// Bad `params` (`gw.InvalidParams`).
        public static let invalidParams = -32602
        /// Unexpected failure inside the gateway (`gw.Internal`).
        public static let internalError = -32603
        /// The caller is not allowed to call this method (`gw.PermissionDenied`).
        public static let permissionDenied = -32001
        /// The request conflicts with the current state (`gw.Conflict`).
        public static let conflict = -32003
        /// The gateway is overloaded or a limit was reached; retrying later is safe (`gw.Busy`, ...).
        public static let busy = -32004
        /// The gateway is shutting down (`gw.ShuttingDown`).
        public static let shuttingDown = -32005
        /// `events.subscribe` with a `since` that is no longer in the replay ring (`gw.CursorExpired`).
        public static let cursorExpired = -32006
    }

    /// The JSON-RPC error code.
    public var code: Int
    /// A short human-readable message.
    public var message: String
    /// The stable machine-readable kind, sent as `error.data.kind`.
    public var kind: String
    /// Extra members of `error.data` (a `kind` member here is ignored).
    public var data: [String: JSONValue]

    /// Creates an error.
    /// - Parameters:
    ///   - code: The JSON-RPC code (see ``Code``).
    ///   - message: A short message for humans; never include secrets or stack traces.
    ///   - kind: The stable kind, e.g. `"gw.AccountNotFound"`.
    ///   - data: Extra members of `error.data`.
    public init(code: Int, message: String, kind: String, data: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.kind = kind
        self.data = data
    }

    /// The `error.data` object: the extra data plus `kind`.
    public var dataObject: JSONValue {
        var object = data
        object["kind"] = .string(kind)
        return .object(object)
    }

    /// The JSON-RPC error object `{code, message, data}`.
    public var jsonValue: JSONValue {
        ["code": .int(Int64(code)), "message": .string(message), "data": dataObject]
    }

    public var description: String { "\(kind) (\(code)): \(message)" }
}

// MARK: - Common errors

extension ControlError {
    /// `-32602 gw.InvalidParams` about one field.
    /// - Parameters:
    ///   - field: The offending member of `params` (recorded as `data.field`).
    ///   - message: What is wrong, e.g. `"\"account\" must be a string"`.
    public static func invalidParams(field: String?, _ message: String) -> ControlError {
        var data: [String: JSONValue] = [:]
        if let field { data["field"] = .string(field) }
        return ControlError(code: Code.invalidParams, message: message, kind: "gw.InvalidParams", data: data)
    }

    /// `-32601 gw.MethodNotFound`.
    public static func methodNotFound(_ method: String) -> ControlError {
        ControlError(
            code: Code.methodNotFound, message: "method not found: \(method)", kind: "gw.MethodNotFound",
            data: ["method": .string(method)])
    }

    /// `-32603 gw.Internal` with a short message (never a stack trace).
    public static func internalError(_ message: String = "internal error") -> ControlError {
        ControlError(code: Code.internalError, message: message, kind: "gw.Internal")
    }

    /// `-32005 gw.ShuttingDown`.
    public static let shuttingDown = ControlError(
        code: Code.shuttingDown, message: "the gateway is shutting down", kind: "gw.ShuttingDown")

    static func invalidRequest(_ message: String, kind: String = "gw.InvalidRequest") -> ControlError {
        ControlError(code: Code.invalidRequest, message: message, kind: kind)
    }
}
