import Foundation
import SwiftProtobuf
import Testing

/// A message as a tree keyed by field NUMBER, the same form `Interop/neonize_peer.py` produces from
/// neonize's definitions: every set field maps to "<declared type>:<value>" ("packed-" before the type of
/// a packed repeated field), a list for a repeated field, a nested tree for a sub-message. Equal trees
/// mean both definitions agree on every field's number, wire type, declared type, packing and value.
/// Names never enter it, so WhatsApp's spellings (`stanzaID`) and ours (`stanzaId`) don't matter.
indirect enum Canon: Equatable, Sendable, Decodable, CustomStringConvertible {
    case scalar(String)
    case list([Canon])
    case tree([String: Canon])

    init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .scalar(text)
        } else if let items = try? container.decode([Canon].self) {
            self = .list(items)
        } else {
            self = .tree(try container.decode([String: Canon].self))
        }
    }

    /// The dump of `message` made by our generated code's own traversal.
    init(_ message: some SwiftProtobuf.Message) throws {
        var visitor = CanonVisitor()
        try message.traverse(visitor: &visitor)
        self = .tree(visitor.fields)
    }

    /// Where `self` (ours) and `other` (neonize's) differ, one line per field path such as
    /// "6.17.15: ours [...] neonize absent"; empty when they are equal. Used as
    /// `#expect(ours.differences(from: theirs) == [])` so a failure names the fields.
    func differences(from other: Canon, at path: String = "") -> [String] {
        switch (self, other) {
        case (.tree(let ours), .tree(let theirs)):
            let keys = Set(ours.keys).union(theirs.keys).sorted { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }
            return keys.flatMap { key -> [String] in
                let here = path.isEmpty ? key : "\(path).\(key)"
                switch (ours[key], theirs[key]) {
                case (let mine?, let yours?): return mine.differences(from: yours, at: here)
                case (let mine?, nil): return ["\(here): ours \(mine.brief), neonize absent"]
                case (nil, let yours?): return ["\(here): ours absent, neonize \(yours.brief)"]
                case (nil, nil): return []
                }
            }
        case (.list(let ours), .list(let theirs)) where ours.count == theirs.count:
            return zip(ours, theirs).enumerated().flatMap { $1.0.differences(from: $1.1, at: "\(path)[\($0)]") }
        default:
            return self == other ? [] : ["\(path): ours \(brief), neonize \(other.brief)"]
        }
    }

    /// One line, for `differences`.
    var brief: String { description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }

    /// Indented, keys in numeric order, for failure messages.
    var description: String { render(indent: "") }

    private func render(indent: String) -> String {
        switch self {
        case .scalar(let text): return String(reflecting: text)
        case .list(let items):
            return "[" + items.map { $0.render(indent: indent + "  ") }.joined(separator: ", ") + "]"
        case .tree(let fields):
            let keys = fields.keys.sorted { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }
            let inner = indent + "  "
            return "{\n" + keys.map { "\(inner)\($0): \(fields[$0]!.render(indent: inner))" }.joined(separator: "\n")
                + "\n\(indent)}"
        }
    }
}

/// Walks a generated message through SwiftProtobuf's `Visitor` (the same traversal its binary encoder
/// uses) and records every field under its number with the type the generated code declares.
struct CanonVisitor: SwiftProtobuf.Visitor {
    var fields: [String: Canon] = [:]

    private mutating func put(_ number: Int, _ type: String, _ value: String) {
        fields[String(number)] = .scalar("\(type):\(value)")
    }

    private mutating func putAll<T>(_ number: Int, _ type: String, _ values: [T], _ text: (T) -> String) {
        fields[String(number)] = .list(values.map { .scalar("\(type):\(text($0))") })
    }

    private static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
    private static func hex<T: FixedWidthInteger>(bits: T) -> String {
        let digits = String(bits, radix: 16)
        return String(repeating: "0", count: T.bitWidth / 4 - digits.count) + digits
    }

    // Singular fields.
    mutating func visitSingularFloatField(value: Float, fieldNumber: Int) throws {
        put(fieldNumber, "float", Self.hex(bits: value.bitPattern))
    }
    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
        put(fieldNumber, "double", Self.hex(bits: value.bitPattern))
    }
    mutating func visitSingularInt32Field(value: Int32, fieldNumber: Int) throws { put(fieldNumber, "int32", "\(value)") }
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws { put(fieldNumber, "int64", "\(value)") }
    mutating func visitSingularUInt32Field(value: UInt32, fieldNumber: Int) throws { put(fieldNumber, "uint32", "\(value)") }
    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws { put(fieldNumber, "uint64", "\(value)") }
    mutating func visitSingularSInt32Field(value: Int32, fieldNumber: Int) throws { put(fieldNumber, "sint32", "\(value)") }
    mutating func visitSingularSInt64Field(value: Int64, fieldNumber: Int) throws { put(fieldNumber, "sint64", "\(value)") }
    mutating func visitSingularFixed32Field(value: UInt32, fieldNumber: Int) throws { put(fieldNumber, "fixed32", "\(value)") }
    mutating func visitSingularFixed64Field(value: UInt64, fieldNumber: Int) throws { put(fieldNumber, "fixed64", "\(value)") }
    mutating func visitSingularSFixed32Field(value: Int32, fieldNumber: Int) throws {
        put(fieldNumber, "sfixed32", "\(value)")
    }
    mutating func visitSingularSFixed64Field(value: Int64, fieldNumber: Int) throws {
        put(fieldNumber, "sfixed64", "\(value)")
    }
    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws { put(fieldNumber, "bool", "\(value)") }
    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws { put(fieldNumber, "string", value) }
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws { put(fieldNumber, "bytes", Self.hex(value)) }
    mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {
        put(fieldNumber, "enum", "\(value.rawValue)")
    }
    mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int) throws {
        fields[String(fieldNumber)] = try Canon(value)
    }
    mutating func visitSingularGroupField<G: SwiftProtobuf.Message>(value: G, fieldNumber: Int) throws {
        fields[String(fieldNumber)] = try Canon(value)
    }

    // Repeated, unpacked.
    mutating func visitRepeatedFloatField(value: [Float], fieldNumber: Int) throws {
        putAll(fieldNumber, "float", value) { Self.hex(bits: $0.bitPattern) }
    }
    mutating func visitRepeatedDoubleField(value: [Double], fieldNumber: Int) throws {
        putAll(fieldNumber, "double", value) { Self.hex(bits: $0.bitPattern) }
    }
    mutating func visitRepeatedInt32Field(value: [Int32], fieldNumber: Int) throws { putAll(fieldNumber, "int32", value) { "\($0)" } }
    mutating func visitRepeatedInt64Field(value: [Int64], fieldNumber: Int) throws { putAll(fieldNumber, "int64", value) { "\($0)" } }
    mutating func visitRepeatedUInt32Field(value: [UInt32], fieldNumber: Int) throws {
        putAll(fieldNumber, "uint32", value) { "\($0)" }
    }
    mutating func visitRepeatedUInt64Field(value: [UInt64], fieldNumber: Int) throws {
        putAll(fieldNumber, "uint64", value) { "\($0)" }
    }
    mutating func visitRepeatedSInt32Field(value: [Int32], fieldNumber: Int) throws {
        putAll(fieldNumber, "sint32", value) { "\($0)" }
    }
    mutating func visitRepeatedSInt64Field(value: [Int64], fieldNumber: Int) throws {
        putAll(fieldNumber, "sint64", value) { "\($0)" }
    }
    mutating func visitRepeatedFixed32Field(value: [UInt32], fieldNumber: Int) throws {
        putAll(fieldNumber, "fixed32", value) { "\($0)" }
    }
    mutating func visitRepeatedFixed64Field(value: [UInt64], fieldNumber: Int) throws {
        putAll(fieldNumber, "fixed64", value) { "\($0)" }
    }
    mutating func visitRepeatedSFixed32Field(value: [Int32], fieldNumber: Int) throws {
        putAll(fieldNumber, "sfixed32", value) { "\($0)" }
    }
    mutating func visitRepeatedSFixed64Field(value: [Int64], fieldNumber: Int) throws {
        putAll(fieldNumber, "sfixed64", value) { "\($0)" }
    }
    mutating func visitRepeatedBoolField(value: [Bool], fieldNumber: Int) throws { putAll(fieldNumber, "bool", value) { "\($0)" } }
    mutating func visitRepeatedStringField(value: [String], fieldNumber: Int) throws { putAll(fieldNumber, "string", value) { $0 } }
    mutating func visitRepeatedBytesField(value: [Data], fieldNumber: Int) throws {
        putAll(fieldNumber, "bytes", value) { Self.hex($0) }
    }
    mutating func visitRepeatedEnumField<E: SwiftProtobuf.Enum>(value: [E], fieldNumber: Int) throws {
        putAll(fieldNumber, "enum", value) { "\($0.rawValue)" }
    }
    mutating func visitRepeatedMessageField<M: SwiftProtobuf.Message>(value: [M], fieldNumber: Int) throws {
        fields[String(fieldNumber)] = .list(try value.map { try Canon($0) })
    }
    mutating func visitRepeatedGroupField<G: SwiftProtobuf.Message>(value: [G], fieldNumber: Int) throws {
        fields[String(fieldNumber)] = .list(try value.map { try Canon($0) })
    }

    // Repeated, packed.
    mutating func visitPackedFloatField(value: [Float], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-float", value) { Self.hex(bits: $0.bitPattern) }
    }
    mutating func visitPackedDoubleField(value: [Double], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-double", value) { Self.hex(bits: $0.bitPattern) }
    }
    mutating func visitPackedInt32Field(value: [Int32], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-int32", value) { "\($0)" }
    }
    mutating func visitPackedInt64Field(value: [Int64], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-int64", value) { "\($0)" }
    }
    mutating func visitPackedUInt32Field(value: [UInt32], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-uint32", value) { "\($0)" }
    }
    mutating func visitPackedUInt64Field(value: [UInt64], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-uint64", value) { "\($0)" }
    }
    mutating func visitPackedSInt32Field(value: [Int32], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-sint32", value) { "\($0)" }
    }
    mutating func visitPackedSInt64Field(value: [Int64], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-sint64", value) { "\($0)" }
    }
    mutating func visitPackedFixed32Field(value: [UInt32], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-fixed32", value) { "\($0)" }
    }
    mutating func visitPackedFixed64Field(value: [UInt64], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-fixed64", value) { "\($0)" }
    }
    mutating func visitPackedSFixed32Field(value: [Int32], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-sfixed32", value) { "\($0)" }
    }
    mutating func visitPackedSFixed64Field(value: [Int64], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-sfixed64", value) { "\($0)" }
    }
    mutating func visitPackedBoolField(value: [Bool], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-bool", value) { "\($0)" }
    }
    mutating func visitPackedEnumField<E: SwiftProtobuf.Enum>(value: [E], fieldNumber: Int) throws {
        putAll(fieldNumber, "packed-enum", value) { "\($0.rawValue)" }
    }

    // No maps or extensions in wagate's definitions; anything the generated code did not recognise is
    // kept as unknown bytes and shows here (neonize's side lists its own unknown fields under the same key).
    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type, value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws { fields[String(fieldNumber)] = .scalar("map") }
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type, value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int { fields[String(fieldNumber)] = .scalar("map") }
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type, value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws { fields[String(fieldNumber)] = .scalar("map") }
    mutating func visitExtensionFields(fields: ExtensionFieldValueSet, start: Int, end: Int) throws {
        self.fields["extensions"] = .scalar("present")
    }
    mutating func visitUnknown(bytes: Data) throws {
        fields["unknown"] = .scalar("bytes:" + Self.hex(bytes))
    }
}

/// Expects `ours` (a message of our generated code) and `theirs` (neonize's dump) to be equal field by
/// field; a failure lists the differing field paths.
func expectSameFields(
    _ ours: some SwiftProtobuf.Message, _ theirs: Canon, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let differences = try Canon(ours).differences(from: theirs)
    #expect(differences == [], sourceLocation: sourceLocation)
}
