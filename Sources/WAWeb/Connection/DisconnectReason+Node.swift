import WABinary

extension DisconnectReason {
    /// Reads the reason from a node that ends or refuses the connection, or returns `nil` for any other
    /// node (so the shell can offer every inbound top-level node).
    ///
    /// Recognised (protocol notes §8.1, §8.2, §4.2 step 6):
    /// - `<failure reason=R [message] [code] [expire]/>`: see ``init(failureReason:message:code:expire:)``;
    /// - `<stream:error code=C>[<conflict type=T/>]</stream:error>`: a `conflict` child decides first
    ///   (`device_removed` → ``loggedOut``, any other type → ``replaced``, as Baileys maps `conflict` to 440),
    ///   then the code (401 → ``loggedOut``, 515, 503, anything else or none → ``serverError(code:)``);
    /// - `<xmlstreamend/>` → ``serverClosed``;
    /// - `<ib><downgrade_webclient/></ib>` → ``multideviceMismatch``.
    /// - Parameter node: An inbound top-level node.
    public init?(node: Node) {
        switch node.tag {
        case "failure":
            self.init(
                failureReason: node.attribute("reason"), message: node.attribute("message"),
                code: node.attribute("code"), expire: node.attribute("expire"))
        case "stream:error":
            if let conflict = node.child("conflict") {
                self = conflict.attribute("type") == "device_removed" ? .loggedOut : .replaced
                return
            }
            guard let code = node.attribute("code").flatMap({ Int($0) }) else {
                self = .serverError(code: nil)
                return
            }
            switch code {
            case 401: self = .loggedOut
            case 440: self = .replaced
            case 503: self = .serviceUnavailable
            case 515: self = .restartRequired
            default: self = .serverError(code: code)
            }
        case "xmlstreamend":
            self = .serverClosed
        case "ib" where node.child("downgrade_webclient") != nil:
            self = .multideviceMismatch
        default:
            return nil
        }
    }

    /// Maps the attributes of `<failure>` (a refused login, protocol notes §8.1) to a reason.
    ///
    /// 401 logged out, 402 temporary ban (with `code` and `expire` in seconds), 403 forbidden (with
    /// `message`, e.g. `LOCKED`), 405 client outdated, 406 banned, 409 user agent rejected, 503
    /// unavailable; 500 and anything unknown (including 413/414, Messenger only) are server errors.
    /// - Parameters:
    ///   - failureReason: The `reason` attribute.
    ///   - message: The `message` attribute.
    ///   - code: The `code` attribute (ban category for 402).
    ///   - expire: The `expire` attribute (ban length in seconds for 402).
    public init(failureReason: String?, message: String? = nil, code: String? = nil, expire: String? = nil) {
        guard let reason = failureReason.flatMap({ Int($0) }) else {
            self = .serverError(code: nil)
            return
        }
        switch reason {
        case 402:
            self = .temporarilyBanned(
                code: code.flatMap { Int($0) }, expiresIn: expire.flatMap { Int64($0) }.map { .seconds($0) })
        case 403:
            self = .forbidden(message: message)
        case 401, 405, 406, 409, 503:
            self.init(statusCode: reason)
        default:
            // 500 and unknown codes: whatsmeow and Baileys both retry these.
            self = .serverError(code: reason)
        }
    }
}
