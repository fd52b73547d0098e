/// A `multipart/form-data` body (RFC 7578), as the media upload endpoint takes it.
struct MultipartFormData {
    /// The boundary between parts; random, so that it cannot occur in a file by accident.
    let boundary: String
    private(set) var bytes: [UInt8] = []

    init(boundary: String = "wagate-" + String(UInt64.random(in: .min ... .max), radix: 16)
        + String(UInt64.random(in: .min ... .max), radix: 16))
    {
        self.boundary = boundary
    }

    /// `multipart/form-data; boundary=…`.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a text field.
    mutating func addField(name: String, value: String) {
        append("--\(boundary)\r\n")
        append("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n\r\n")
        append(value)
        append("\r\n")
    }

    /// Adds a file field.
    mutating func addFile(name: String, fileName: String, contentType: String, data: [UInt8]) {
        append("--\(boundary)\r\n")
        append("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(fileName))\"\r\n")
        append("Content-Type: \(Self.headerSafe(contentType))\r\n\r\n")
        bytes += data
        append("\r\n")
    }

    /// Ends the body; add nothing after this.
    mutating func finish() {
        append("--\(boundary)--\r\n")
    }

    private mutating func append(_ text: String) {
        bytes += Array(text.utf8)
    }

    /// A value for inside double quotes: quotes and line breaks would end the header early.
    private static func quoted(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A header value without line breaks.
    private static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }
}
