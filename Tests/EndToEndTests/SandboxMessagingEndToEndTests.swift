import Foundation
import Testing
import WAGateCore

/// The sandbox's simulated phones through the real binary: `wagate sandbox contact`, `send` and `inbox`
/// over its control socket; the texts travel Signal-encrypted between the phones.
@Suite struct SandboxMessagingEndToEndTests {
    @Test func phonesSendAndReadTheirInboxThroughTheCLI() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (sandbox, _, _) = try await WebLinkEndToEndTests().startSandbox(scratch)
        defer { sandbox.kill9() }
        func cli(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await WagateProcess.run(["sandbox"] + arguments + ["--state", "sandbox"], directory: scratch.path, timeout: .seconds(60))
        }

        let (created, createdOutput) = try await cli(["contact", "+15550002222", "--name", "Bob"])
        #expect(created == 0 && createdOutput.contains("15550002222@s.whatsapp.net") && createdOutput.contains("@lid"), "\(createdOutput)")
        _ = try await cli(["contact", "+15550003333"])
        let (sent, sentOutput) = try await cli(["send", "--from", "+15550002222", "+15550003333", "hello carol"])
        #expect(sent == 0 && sentOutput.contains("sent 3EB0"), "\(sentOutput)")
        _ = try await cli(["send", "--from", "+15550003333", "+15550002222", "hi bob"])

        let (read, inbox) = try await cli(["inbox", "+15550003333", "--json"])
        #expect(read == 0, "\(inbox)")
        let messages = try JSONValue.parse(inbox.split(separator: "\n").drop { !$0.hasPrefix("[") }.joined(separator: "\n")).arrayValue ?? []
        #expect(messages.map { $0["text"]?.stringValue } == ["hello carol"])
        #expect(messages.first?["from"]?.stringValue == "15550002222@s.whatsapp.net")

        let (refused, refusal) = try await cli(["send", "--from", "+15550002222", "+15550009999", "anyone?"])
        #expect(refused != 0 && refusal.contains("no device"), "\(refusal)")
        let (unknown, unknownOutput) = try await cli(["inbox", "+15550009999"])
        #expect(unknown != 0 && unknownOutput.contains("no simulated phone"), "\(unknownOutput)")
    }
}
