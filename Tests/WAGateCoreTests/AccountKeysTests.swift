import Logging
import Synchronization
import Testing
import WAGateCore
import WAGateCrypto
import WAGateStore
import WAGateTestSupport

@Suite struct AccountKeysTests {
    let logger = Logger(label: "test")

    @Test func aGatewayRunningThroughARotationWrapsNewKeysUnderTheNewMasterKey() async throws {
        try await withTestDatabase { db in
            let old = try MasterKey.generate()
            let new = try MasterKey.generate()
            let rotated = Mutex(false)
            let keys = AccountKeys(
                ring: KeyRing(current: old),
                reloadRing: { rotated.withLock { $0 } ? KeyRing(current: new, previous: [old]) : KeyRing(current: old) },
                repository: DataKeyRepository(pool: db.pool), logger: logger)
            let first = AccountID(agent: "bot", account: "a")
            let firstKey = try await keys.dataKey(for: first, authDir: nil)

            rotated.withLock { $0 = true }  // `wagate keys rotate` ran while this gateway kept serving
            let second = AccountID(agent: "bot", account: "b")
            _ = try await keys.dataKey(for: second, authDir: nil)
            let stored = try await DataKeyRepository(pool: db.pool).kekIDs()
            #expect(stored.first { $0.accountID == "bot/b" }?.kekID == new.id)
            // The cached key of the first account is unchanged: nothing running was disturbed.
            #expect(try await keys.dataKey(for: first, authDir: nil).constantTimeEquals(firstKey))
        }
    }

    @Test func rowsStillWrappedByAPreviousKeyAreMovedToTheCurrentOneWhenRead() async throws {
        try await withTestDatabase { db in
            let old = try MasterKey.generate()
            let new = try MasterKey.generate()
            let account = AccountID(agent: "bot", account: "a")
            let before = try await AccountKeys(ring: KeyRing(current: old), repository: DataKeyRepository(pool: db.pool), logger: logger)
                .dataKey(for: account, authDir: nil)
            let after = try await AccountKeys(
                ring: KeyRing(current: new, previous: [old]), repository: DataKeyRepository(pool: db.pool), logger: logger
            ).dataKey(for: account, authDir: nil)
            #expect(after.constantTimeEquals(before))
            #expect(try await DataKeyRepository(pool: db.pool).kekIDs().first?.kekID == new.id)
            // Now the old key is no longer needed at all.
            let onlyNew = try await AccountKeys(ring: KeyRing(current: new), repository: DataKeyRepository(pool: db.pool), logger: logger)
                .dataKey(for: account, authDir: nil)
            #expect(onlyNew.constantTimeEquals(before))
        }
    }
}
