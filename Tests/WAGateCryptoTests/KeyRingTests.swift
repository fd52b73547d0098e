import Foundation
import Testing
import WAGateCrypto

@Suite struct KeyRingTests {
    @Test func wrapsAndUnwrapsDataKeys() throws {
        let ring = KeyRing(current: try .generate())
        let dataKey = try SecretBytes.random(count: Sealer.keyLength)
        let (kekID, wrapped) = try ring.wrap(dataKey, accountID: "a/default")
        #expect(kekID == ring.current.id)
        #expect(try ring.unwrap(wrapped, kekID: kekID, accountID: "a/default").constantTimeEquals(dataKey))
    }

    @Test func wrappedKeyIsBoundToItsAccount() throws {
        let ring = KeyRing(current: try .generate())
        let (kekID, wrapped) = try ring.wrap(.random(count: 32), accountID: "a/default")
        #expect { try ring.unwrap(wrapped, kekID: kekID, accountID: "b/default") } throws: {
            ($0 as? CryptoError)?.code == .authenticationFailed
        }
    }

    @Test func previousKeysStillUnwrapDuringRotation() throws {
        let old = try MasterKey.generate()
        let dataKey = try SecretBytes.random(count: 32)
        let (oldID, wrapped) = try KeyRing(current: old).wrap(dataKey, accountID: "a/x")
        let rotated = KeyRing(current: try .generate(), previous: [old])
        #expect(try rotated.unwrap(wrapped, kekID: oldID, accountID: "a/x").constantTimeEquals(dataKey))
        // Without the old key the error says which key is needed and which the process has.
        let fresh = KeyRing(current: try .generate())
        #expect {
            try fresh.unwrap(wrapped, kekID: oldID, accountID: "a/x")
        } throws: { error in
            let e = error as? CryptoError
            return e?.code == .invalidKey && e?.message.contains(oldID) == true && e?.message.contains(fresh.current.id) == true
        }
    }

    @Test func masterKeyParsingNamesTheProblem() throws {
        let key = try MasterKey.generate()
        let reparsed = try MasterKey(base64: "  \(key.base64Encoded())\n", source: "WAGATE_MASTER_KEY")
        #expect(reparsed.id == key.id)
        #expect(key.id.count == 16)
        #expect(!key.id.isEmpty && key.base64Encoded().range(of: key.id) == nil)
        #expect { try MasterKey(base64: "not base64!!", source: "WAGATE_MASTER_KEY") } throws: {
            ($0 as? CryptoError)?.message.contains("WAGATE_MASTER_KEY is not valid base64") == true
        }
        #expect { try MasterKey(base64: Data(repeating: 1, count: 16).base64EncodedString(), source: "WAGATE_MASTER_KEY") } throws: {
            ($0 as? CryptoError)?.message.contains("decodes to 16 bytes; expected exactly 32") == true
        }
    }

    @Test func keyFilesAreWritten0600AndLooseOnesRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-keyfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("master.key").path
        #expect(try KeyFile.read(path) == nil)
        try KeyFile.write("abc\n", to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try KeyFile.read(path) == "abc\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect { try KeyFile.read(path) } throws: { ($0 as? CryptoError)?.message.contains("chmod 600") == true }
    }
}
