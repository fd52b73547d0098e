import Testing
import WAGateCore
import WAWeb

@Suite struct StorageNamesTests {
    /// The store decides "linked" by the entry the link writes; the two names must be the same.
    @Test func theLinkedDeviceEntryIsTheOneTheLinkWrites() {
        #expect(PairedDevice.entryName == OpenedSession.linkedDeviceEntry)
    }
}
