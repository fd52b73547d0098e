import CQREncode
import CSignalProtocol
import Testing

/// The C libraries that later layers build on (Signal sessions, QR codes) are found and linked: a
/// missing apt package or pkg-config entry fails here first, with the library's name in the test.
@Suite struct SystemLibrariesTests {
    @Test func libsignalProtocolCCreatesAContext() {
        var context: OpaquePointer?
        #expect(signal_context_create(&context, nil) == 0)
        #expect(context != nil)
        signal_context_destroy(context)
    }

    @Test func libqrencodeEncodesText() throws {
        let code = try #require(QRcode_encodeString8bit("https://wa.me/settings/linked_devices#ref", 0, QR_ECLEVEL_L))
        defer { QRcode_free(code) }
        #expect(code.pointee.width >= 21)
        #expect((code.pointee.width - 17) % 4 == 0)  // every QR version is 17 + 4·v modules wide
    }
}
