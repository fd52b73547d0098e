import Foundation
import Testing
import WAGateCloud
import WAGateCore

/// Every webhook payload of the shared fixtures parses into exactly the items written out in
/// `WebhookFixtureExpectations`; every fixture file is claimed by a test, so a new one cannot slip in
/// unchecked.
@Suite struct WebhookFixtureTests {
    /// One webhook payload: a file, and its case name ("" for a file holding one payload).
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var name: String
        var body: [UInt8]
        var testDescription: String { name.isEmpty ? file : "\(file) [\(name)]" }
    }

    /// Webhook payload files, and whether each holds named cases (`{case: payload}`) or one payload.
    static let webhookFiles: [String: Bool] = {
        var files: [String: Bool] = [:]
        for file in Fixtures.allFiles() {
            if file.hasPrefix("pywa/tests/data/updates/") || file == "meta-openapi/webhook-examples.json" {
                files[file] = true
            } else if file.hasPrefix("whatsapp-api-js/test/payloads/")
                || file.hasPrefix("whatsapp-business-java-api/src/test/resources/deserialization/")
            {
                files[file] = false
            }
        }
        return files
    }()

    /// Fixture files that are not webhook payloads, and the suite that checks each.
    static let otherFiles: [String: String] = [
        "pywa/x-hub-signature-256-vector.json": "WebhookSignatureTests",
        "meta-openapi/send-message-examples.json": "GraphClientTests",
        "whatsapp-business-java-api/src/test/resources/media.json": "GraphClientMediaTests",
        "whatsapp-business-java-api/src/test/resources/uploadResponse.json": "GraphClientMediaTests",
        "whatsapp-business-java-api/src/test/resources/phone/phoneNumberNotFoundError.json": "GraphClientTests",
        "whatsapp-business-java-api/src/test/resources/phone/requestCodeError.json": "GraphClientTests",
        "whatsapp-business-java-api/src/test/resources/phone/verifyCodeError.json": "GraphClientTests",
    ]

    static let cases: [Case] = {
        var cases: [Case] = []
        for (file, keyed) in webhookFiles.sorted(by: { $0.key < $1.key }) {
            guard let payloads = try? Fixtures.payloads(file, keyed: keyed) else { continue }
            cases += payloads.map { Case(file: file, name: $0.name, body: $0.body) }
        }
        return cases
    }()

    /// Timestamps are all in the payloads; a missing one would show as 0.
    static let receivedAt = Date(timeIntervalSince1970: 0)

    @Test(arguments: cases)
    func fixtureMapsToItsExpectedItems(_ fixture: Case) throws {
        let batch = try WebhookPayloadParser().parse(fixture.body, receivedAt: Self.receivedAt)
        let actual = BatchRendering.lines(batch)
        guard let expected = WebhookFixtureExpectations.all[fixture.file]?[fixture.name] else {
            Issue.record(
                "no expectation for \(fixture.testDescription); it maps to:\n\(actual.map { "\"\($0)\"" }.joined(separator: ",\n"))"
            )
            return
        }
        #expect(actual == expected)
        if actual != expected {
            for (index, line) in actual.enumerated() where index >= expected.count || expected[index] != line {
                Issue.record("line \(index): \(line)")
            }
        }
    }

    @Test func theFixturesAreThere() {
        // 39 files at the time of writing; fewer means the folder was not found or lost files.
        #expect(Fixtures.allFiles().count >= 39, "fixtures not found under \(Fixtures.root.path)")
        #expect(Self.cases.count >= 80)
    }

    @Test func everyFixtureFileIsClaimedByATest() {
        for file in Fixtures.allFiles() {
            let claimed = Self.webhookFiles[file] != nil || Self.otherFiles[file] != nil
            #expect(claimed, "\(file) is not checked by any test: add it to WebhookFixtureTests")
        }
        for file in Self.otherFiles.keys {
            #expect(Fixtures.allFiles().contains(file), "\(file) is expected but missing")
        }
    }

    @Test func everyWebhookCaseHasAnExpectationAndNoExpectationIsStale() {
        let present = Set(Self.cases.map { "\($0.file) [\($0.name)]" })
        let expected = Set(
            WebhookFixtureExpectations.all.flatMap { file, cases in cases.keys.map { "\(file) [\($0)]" } })
        for missing in present.subtracting(expected).sorted() {
            Issue.record("no expectation for \(missing)")
        }
        for stale in expected.subtracting(present).sorted() {
            Issue.record("expectation for a case that is not in the fixtures: \(stale)")
        }
    }
}
