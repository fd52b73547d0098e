import Testing
import WASignal

/// Signal addresses from WhatsApp JIDs (wa-md-protocol §0): `user.device`, `user_1.device` for LIDs.
@Suite struct SignalAddressTests {
    @Test func phoneNumberAndLIDForms() throws {
        #expect(SignalAddress.phoneNumber("12025550123").description == "12025550123.0")
        #expect(SignalAddress.lid("123456789012345", device: 3).description == "123456789012345_1.3")
        #expect(try SignalAddress(user: "12025550123", server: "s.whatsapp.net", device: 5) == .phoneNumber("12025550123", device: 5))
        #expect(try SignalAddress(user: "12025550123", server: "c.us", device: 0) == .phoneNumber("12025550123"))
        #expect(try SignalAddress(user: "123456789012345", server: "lid", device: 3) == .lid("123456789012345", device: 3))
        #expect(try SignalAddress(user: "42", server: "hosted", device: 99).name == "42_128")
        #expect(try SignalAddress(user: "42", server: "hosted.lid", device: 99).name == "42_129")
        #expect(throws: SignalError.invalidArgument) { try SignalAddress(user: "120363000000000001", server: "g.us", device: 0) }
        #expect(throws: SignalError.invalidArgument) { try SignalAddress(user: "", server: "lid", device: 0) }
    }

    @Test func theTextFormRoundTrips() throws {
        let addresses = [
            SignalAddress.phoneNumber("12025550123", device: 12), .lid("9", device: 0), SignalAddress(name: "a.b", deviceId: 65535),
        ]
        for address in addresses {
            #expect(try SignalAddress(parsing: address.description) == address)
        }
        for bad in ["", "nodot", ".3", "user.", "user.x", "user.65536", "user.-1"] {
            #expect(throws: SignalError.invalidArgument) { try SignalAddress(parsing: bad) }
        }
    }
}
