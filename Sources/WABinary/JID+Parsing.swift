extension JID: LosslessStringConvertible {
    /// Parses the text form of a JID.
    ///
    /// Accepts `server`, `user@server`, `user:device@server`, `user.agent@server`,
    /// `user.agent:device@server` and, for the `interop` server, `integrator-user[:device]@interop`.
    /// Returns `nil` for an empty string, more than one `@`, more than one `.` or `:` in the user part,
    /// or numbers that are not decimal or do not fit (agent ≤ 255, device and integrator ≤ 65535).
    ///
    /// ```swift
    /// JID("status@broadcast") == .statusBroadcast // true
    /// ```
    /// - Parameter description: The text form.
    public init?(_ description: String) {
        guard !description.isEmpty else { return nil }
        let parts = description.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 1 {
            self.init(server: Server(description))
            return
        }
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        let server = Server(String(parts[1]))
        var user = parts[0]
        var integrator: UInt16 = 0
        if server == .interop, let dash = user.firstIndex(of: "-") {
            guard let value = JID.number(user[..<dash], as: UInt16.self) else { return nil }
            integrator = value
            user = user[user.index(after: dash)...]
        }
        var agent: UInt8 = 0
        var device: UInt16 = 0
        let colon = user.split(separator: ":", omittingEmptySubsequences: false)
        guard colon.count <= 2 else { return nil }
        if colon.count == 2 {
            guard let value = JID.number(colon[1], as: UInt16.self) else { return nil }
            device = value
        }
        user = colon[0]
        if server != .interop {
            // The agent form `user.agent` only exists for AD JIDs; other servers never put dots in users.
            let dot = user.split(separator: ".", omittingEmptySubsequences: false)
            guard dot.count <= 2 else { return nil }
            if dot.count == 2 {
                guard let value = JID.number(dot[1], as: UInt8.self) else { return nil }
                agent = value
                user = dot[0]
            }
        }
        self.init(user: String(user), agent: agent, device: device, integrator: integrator, server: server)
    }

    /// A decimal number of plain ASCII digits (no sign, no spaces) that fits in `T`.
    private static func number<T: FixedWidthInteger>(_ text: Substring, as type: T.Type) -> T? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return T(text, radix: 10)
    }
}
