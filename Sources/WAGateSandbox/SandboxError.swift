/// Why the sandbox refused an operation (a scan, a phone number, a state file).
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    /// What to tell the caller.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
