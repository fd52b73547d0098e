extension Node: CustomStringConvertible {
    /// The longest binary content shown (as text or hex) before it is cut short in ``description``.
    static let descriptionByteLimit = 64

    /// An XML-like rendering for logs: `<iq id="1" to="s.whatsapp.net"><active/></iq>`.
    ///
    /// Binary content is shown as text when it is printable UTF-8 and as hex otherwise, cut after
    /// 64 bytes with the total length, e.g. `<enc v="2">33a1…(152 bytes)</enc>`.
    /// > Warning: Text content is shown as is; do not log stanzas that carry plaintext.
    public var description: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        output += "<"
        output += tag
        for (key, value) in attributes {
            output += " \(key)=\""
            Self.escape(value.text, into: &output)
            output += "\""
        }
        switch content {
        case nil:
            output += "/>"
            return
        case .nodes(let children) where children.isEmpty:
            output += "/>"
            return
        case .nodes(let children):
            output += ">"
            for child in children { child.write(to: &output) }
        case .bytes(let bytes):
            output += ">"
            Self.describe(bytes, into: &output)
        case .string(let string):
            output += ">"
            Self.escape(string, into: &output)
        case .jid(let jid):
            output += ">"
            Self.escape(jid.description, into: &output)
        }
        output += "</\(tag)>"
    }

    private static func describe(_ bytes: [UInt8], into output: inout String) {
        let shown = bytes.prefix(descriptionByteLimit)
        // Printable ASCII only: multi-byte UTF-8 could be cut in the middle of a character.
        if !bytes.isEmpty, shown.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            escape(String(decoding: shown, as: UTF8.self), into: &output)
        } else {
            let digits: [Character] = Array("0123456789abcdef")
            for byte in shown {
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0F)])
            }
        }
        if bytes.count > shown.count { output += "…(\(bytes.count) bytes)" }
    }

    private static func escape(_ text: String, into output: inout String) {
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "\n": output += "\\n"
            default: output.unicodeScalars.append(character)
            }
        }
    }
}
