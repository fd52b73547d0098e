import Foundation
import Testing
@testable import WABinary

/// The generated tables must equal shared/protocol/wa-tokens.json.
@Suite struct TokensTests {
    static let regenerate = "python3 scripts/gen-wa-tokens.py"

    /// `<repo>/../shared/protocol/wa-tokens.json`, found from this file's path.
    static let jsonURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // WABinaryTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <repo>
        .appendingPathComponent("../shared/protocol/wa-tokens.json")
        .standardizedFileURL

    static func loadJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: jsonURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func generatedTablesMatchTheSharedJSON() throws {
        let json = try Self.loadJSON()
        let single = try #require(json["single_byte"] as? [String])
        let double = try #require(json["double_byte"] as? [[String]])
        let version = try #require(json["dict_version"] as? Int)
        let hint = "Tokens+Generated.swift is out of date with \(Self.jsonURL.path); regenerate with: \(Self.regenerate)"
        #expect(Tokens.singleByte == single, "\(hint)")
        #expect(Tokens.doubleByte == double, "\(hint)")
        #expect(Int(Tokens.dictionaryVersion) == version, "\(hint)")
    }

    @Test func tagBytesMatchTheSharedJSON() throws {
        let tags = try #require(try Self.loadJSON()["tags"] as? [String: Int])
        let ours: [String: Int] = [
            "LIST_EMPTY": Int(WireTag.listEmpty), "DICTIONARY_0": Int(WireTag.dictionary0),
            "DICTIONARY_1": Int(WireTag.dictionary1), "DICTIONARY_2": Int(WireTag.dictionary2),
            "DICTIONARY_3": Int(WireTag.dictionary3), "INTEROP_JID": Int(WireTag.interopJID),
            "FB_JID": Int(WireTag.fbJID), "AD_JID": Int(WireTag.adJID), "LIST_8": Int(WireTag.list8),
            "LIST_16": Int(WireTag.list16), "JID_PAIR": Int(WireTag.jidPair), "HEX_8": Int(WireTag.hex8),
            "BINARY_8": Int(WireTag.binary8), "BINARY_20": Int(WireTag.binary20), "BINARY_32": Int(WireTag.binary32),
            "NIBBLE_8": Int(WireTag.nibble8), "PACKED_MAX": WireTag.packedMax,
        ]
        #expect(ours == tags)
        #expect(Int(WireTag.lastSingleByteToken) == Tokens.singleByte.count - 1)
    }

    @Test func lookupFindsEveryTokenAndNothingElse() {
        for (index, token) in Tokens.singleByte.enumerated().dropFirst() {
            #expect(Tokens.code(for: token) == UInt16(index))
        }
        for (dictionary, tokens) in Tokens.doubleByte.enumerated() {
            for (index, token) in tokens.enumerated() {
                #expect(Tokens.code(for: token) == UInt16(236 + dictionary) << 8 | UInt16(index))
            }
        }
        #expect(Tokens.code(for: "") == nil)
        #expect(Tokens.code(for: "not-a-token") == nil)
    }
}
