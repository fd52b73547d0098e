import NIOCore

/// A parsed `ws://` or `wss://` URL, and the loopback test that decides whether plain `ws://` is allowed.
///
/// Parsing is deliberately strict (no user info, no IPv6 zone, host names of letters, digits, `-`, `.` and
/// `_`): the URL comes from configuration, and anything unusual is more likely a mistake than a need.
///
/// ```swift
/// let url = try WebSocketURL("wss://web.whatsapp.com/ws/chat")
/// url.host      // "web.whatsapp.com"
/// url.port      // 443
/// url.target    // "/ws/chat"
/// ```
public struct WebSocketURL: Sendable, Hashable, CustomStringConvertible {
    /// `true` for `wss://`, `false` for `ws://`.
    public var isSecure: Bool
    /// The host name or IP literal, lower-cased, without the brackets of an IPv6 literal.
    public var host: String
    /// The port: explicit, or 443 for `wss://` and 80 for `ws://`.
    public var port: Int
    /// Path and query as sent in the request line; `/` when the URL has no path.
    public var target: String
    /// Whether the port was written in the URL (it then appears in the `Host` header).
    public var hasExplicitPort: Bool

    /// Parses a URL.
    /// - Parameter string: e.g. `wss://web.whatsapp.com/ws/chat` or `ws://127.0.0.1:8080/ws/chat`.
    /// - Throws: `WebSocketError.invalidURL` for anything but a well-formed `ws`/`wss` URL.
    public init(_ string: String) throws {
        func invalid(_ why: String) -> WebSocketError {
            WebSocketError(.invalidURL, "invalid websocket URL '\(string)': \(why)")
        }
        guard let schemeEnd = string.firstRange(of: "://") else { throw invalid("no scheme") }
        switch string[..<schemeEnd.lowerBound].lowercased() {
        case "ws": isSecure = false
        case "wss": isSecure = true
        default: throw invalid("the scheme must be ws or wss")
        }
        var rest = string[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let pathAndQuery = rest[authorityEnd...]
        target = pathAndQuery.isEmpty ? "/" : (pathAndQuery.first == "?" ? "/" + pathAndQuery : String(pathAndQuery))
        // The target goes verbatim into the request line: printable ASCII only (percent-encode the rest).
        guard target.unicodeScalars.allSatisfy({ (0x21..<0x7F).contains($0.value) }) else {
            throw invalid("the path must be printable ASCII without spaces (percent-encode other characters)")
        }
        guard !authority.contains("@") else { throw invalid("user info is not supported") }

        let hostPart: Substring
        let portPart: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 literal") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portPart = nil
            } else if after.first == ":" {
                portPart = after.dropFirst()
            } else {
                throw invalid("unexpected characters after the IPv6 literal")
            }
            guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                (try? SocketAddress(ipAddress: String(hostPart), port: 0)) != nil
            else { throw invalid("malformed IPv6 literal") }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid("IPv6 literals must be in brackets") }
            hostPart = parts[0]
            portPart = parts.count == 2 ? parts[1] : nil
            guard !hostPart.isEmpty else { throw invalid("no host") }
            guard
                hostPart.allSatisfy({
                    $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_")
                })
            else { throw invalid("the host contains characters other than letters, digits, '-', '.' and '_'") }
        }
        host = hostPart.lowercased()
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
                let port = Int(portPart), (1...65535).contains(port)
            else { throw invalid("the port must be a number from 1 to 65535") }
            self.port = port
            hasExplicitPort = true
        } else {
            port = isSecure ? 443 : 80
            hasExplicitPort = false
        }
    }

    /// Whether the host is a loopback address: `localhost`, an IPv4 literal in 127.0.0.0/8, or `::1`
    /// (also as the IPv4-mapped `::ffff:127.x.y.z`).
    ///
    /// Only literals and the name `localhost` count, never a name that merely resolves to loopback, so
    /// the answer needs no DNS and cannot be changed by a resolver.
    public var isLoopback: Bool {
        if host == "localhost" || host == "localhost." { return true }
        if let octets = Self.ipv4Octets(host) { return octets[0] == 127 }
        if host.contains(":"), let canonical = (try? SocketAddress(ipAddress: host, port: 0))?.ipAddress {
            if canonical == "::1" { return true }
            if canonical.hasPrefix("::ffff:"), let octets = Self.ipv4Octets(String(canonical.dropFirst(7))) {
                return octets[0] == 127
            }
        }
        return false
    }

    /// Whether `host` is an IPv4 or IPv6 literal rather than a name (TLS then sends no SNI and checks the
    /// certificate against the address).
    var hostIsIPAddress: Bool {
        Self.ipv4Octets(host) != nil || host.contains(":")
    }

    /// The `Host` header value: the host (bracketed if IPv6) and the port when it was explicit.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return hasExplicitPort ? "\(name):\(port)" : name
    }

    /// The URL, re-assembled.
    public var description: String {
        "\(isSecure ? "wss" : "ws")://\(hostHeader)\(target)"
    }

    /// The four octets of a strict dotted-quad IPv4 literal (no short forms such as `127.1`), or nil.
    private static func ipv4Octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }
}
