import Foundation
import Synchronization
import Testing
import WAGateCore
import WAGateCrypto
import WAGateStore
import WAGateTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A Cloud API account as a business runs it: Meta's signed webhooks in, the Graph API (a local server
/// here) out, the `echo` agent answering, Meta's error codes slowing or failing the account.
@Suite(.serialized) struct CloudAPIEndToEndTests {
    static let phoneNumberID = "106540352242922"
    static let appSecret = "e2e-app-secret"
    static let accessToken = "EAAG-e2e-token"
    static let otherPhoneNumberID = "200000000000002"
    static let otherAppSecret = "other-app-secret"

    static func character(graphURL: String) -> String {
        """
        { "name": "Cloud Echo", "modelProvider": "echo",
          "connectors": { "whatsapp": {
            "dmPolicy": "open", "allowFrom": ["*"], "messagePrefix": "[Echo] ",
            "accounts": { "biz": {
              "type": "cloud", "accessToken": "\(accessToken)", "phoneNumberId": "\(phoneNumberID)",
              "appSecret": "\(appSecret)", "webhookVerifyToken": "verify-me", "graphUrl": "\(graphURL)",
              "rateLimit": { "messagesPerMinute": 600, "burst": 20, "perChatIntervalMs": 0 }, "mediaMaxMb": 1
            },
            "other": {
              "type": "cloud", "accessToken": "EAAG-other-token", "phoneNumberId": "\(otherPhoneNumberID)",
              "appSecret": "\(otherAppSecret)", "webhookVerifyToken": "verify-other", "graphUrl": "\(graphURL)"
            } } } } }
        """
    }

    /// Graph API answers for sends, in order; when empty, success.
    final class Script: Sendable {
        let baseURL = Mutex("")
        let replies = Mutex<[FakeGraphServer.Reply]>([])
        let counter = Mutex(0)
        func push(_ reply: FakeGraphServer.Reply) { replies.withLock { $0.append(reply) } }
        func next() -> FakeGraphServer.Reply {
            let scripted = replies.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            let n = counter.withLock { value -> Int in
                value += 1
                return value
            }
            return scripted
                ?? .json(#"{"messaging_product":"whatsapp","contacts":[{"input":"15551234567","wa_id":"15551234567"}],"messages":[{"id":"wamid.OUT\#(n)"}]}"#)
        }
    }

    static func webhook(id: String, text: String, from: String = "15551234567", phoneNumberID: String = phoneNumberID) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"\(phoneNumberID)"},\
        "contacts":[{"profile":{"name":"Sheena"},"wa_id":"\(from)"}],\
        "messages":[{"from":"\(from)","id":"\(id)","timestamp":"\(Int(Date().timeIntervalSince1970))","type":"text","text":{"body":"\(text)"}}]}}]}]}
        """
    }

    static func imageWebhook(id: String, mediaID: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"\(phoneNumberID)"},\
        "contacts":[{"profile":{"name":"Sheena"},"wa_id":"15551234567"}],\
        "messages":[{"from":"15551234567","id":"\(id)","timestamp":"\(Int(Date().timeIntervalSince1970))","type":"image",\
        "image":{"mime_type":"image/jpeg","sha256":"abc","id":"\(mediaID)"}}]}}]}]}
        """
    }

    static let smallFile = (0..<5000).map { UInt8($0 % 251) }
    static let bigFile = [UInt8](repeating: 7, count: 2 << 20)

    static func signature(_ body: String, secret: String = appSecret) -> String {
        "sha256=" + Hex.encode(HMAC.sha256(key: Array(secret.utf8), message: Array(body.utf8)))
    }

    /// POSTs (or GETs) to the gateway's HTTP server with curl, as Meta (or a user) would; returns status and body.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let (code, output) = try await WagateProcess.run(
            ["/usr/bin/curl", "-s", "-w", "\n%{http_code}"] + arguments, directory: FileManager.default.temporaryDirectory.path,
            executable: "/usr/bin/curl")
        #expect(code == 0, "curl failed: \(output)")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func httpPort(_ gateway: WagateProcess) async throws -> Int {
        _ = await gateway.waitForOutput("HTTP server listening")
        let line = try #require(gateway.output.split(separator: "\n").first { $0.contains("HTTP server listening") })
        let port = line.split(separator: " ").first { $0.hasPrefix("http.port=") }?.dropFirst("http.port=".count)
        return try #require(port.flatMap { Int($0) })
    }

    @Test func signedWebhooksReachTheEchoAgentAndMetaErrorsSlowOrFailTheAccount() async throws {
        try await withTestDatabase { db in
            let script = Script()
            try await FakeGraphServer.with(respond: { request in
                // Read receipts and typing indicators ride on the same endpoint.
                if request.json?["status"]?.stringValue == "read" { return .json(#"{"success":true}"#) }
                // Media: the lookup names a URL on this server, which serves the bytes to the bearer.
                let base = script.baseURL.withLock { $0 }
                if request.method == "GET", request.path.hasPrefix("/v25.0/MEDIA") {
                    let big = request.path.hasSuffix("BIG")
                    return .json(
                        #"{"messaging_product":"whatsapp","url":"\#(base)/files/\#(big ? "big" : "small")","mime_type":"image/jpeg","sha256":"abc","id":"x"}"#)
                }
                if request.method == "GET", request.path.hasPrefix("/files/") {
                    guard request.authorization == "Bearer \(Self.accessToken)" else { return .json("{}", status: 401) }
                    return FakeGraphServer.Reply(
                        status: 200, body: request.path.hasSuffix("big") ? Self.bigFile : Self.smallFile,
                        headers: ["Content-Type": "image/jpeg"], chunked: true)
                }
                return script.next()
            }) { graph, baseURL in
                script.baseURL.withLock { $0 = baseURL }
                let scratch = try Scratch()
                defer { scratch.remove() }
                try scratch.write("character.json", Self.character(graphURL: baseURL))
                let gateway = try WagateProcess(
                    ["start", "--character=character.json", "--state-dir", ".wagate"], environment: ["DATABASE_URL": db.connectionString],
                    directory: scratch.path)
                defer { gateway.kill9() }
                #expect(await gateway.waitForOutput("wagate started", timeout: .seconds(120)), "\(gateway.output)")
                let port = try await httpPort(gateway)
                let url = "http://127.0.0.1:\(port)/webhooks/whatsapp"

                // Meta's verification handshake, as the README tells the user to try it with curl.
                let verified = try await Self.curl(["\(url)?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"])
                #expect(verified.status == 200 && verified.body == "1158201444", "\(verified)")
                let refused = try await Self.curl(["\(url)?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"])
                #expect(refused.status == 403)

                // A forged webhook is refused and reaches nobody.
                let forged = Self.webhook(id: "wamid.FORGED", text: "pay me")
                let forgedAnswer = try await Self.curl([
                    "-X", "POST", "-H", "Content-Type: application/json", "-H", "X-Hub-Signature-256: \(Self.signature(forged, secret: "not-it"))",
                    "--data-binary", forged, url,
                ])
                #expect(forgedAnswer.status == 401)

                // A signed text message: stored, then answered by the echo agent through the Graph API.
                let body = Self.webhook(id: "wamid.IN1", text: "hello echo")
                let answer = try await Self.curl([
                    "-X", "POST", "-H", "Content-Type: application/json", "-H", "X-Hub-Signature-256: \(Self.signature(body))",
                    "--data-binary", body, url,
                ])
                #expect(answer.status == 200, "\(answer)")
                let stored = try await db.pool.query("SELECT count(*) FROM messages WHERE message_id = 'wamid.IN1'")
                #expect(try stored.int(row: 0, column: 0) == 1, "200 only after the durable write")
                try await eventually { graph.requests.contains { $0.json?["text"]?["body"]?.stringValue == "[Echo] hello echo" } }
                let send = try #require(graph.requests.first { $0.json?["type"]?.stringValue == "text" })
                #expect(send.method == "POST")
                #expect(send.path == "/v25.0/\(Self.phoneNumberID)/messages")
                #expect(send.authorization == "Bearer \(Self.accessToken)")
                #expect(send.json?["messaging_product"]?.stringValue == "whatsapp")
                #expect(send.json?["to"]?.stringValue == "15551234567")
                #expect(!graph.requests.contains { $0.json?["text"]?["body"]?.stringValue?.contains("pay me") == true })

                // Meta's 130429 (throughput): the account slows down, and the reply still goes out later.
                script.push(.json(
                    #"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},"fbtrace_id":"A1"}}"#,
                    status: 400))
                let second = Self.webhook(id: "wamid.IN2", text: "again")
                _ = try await Self.curl([
                    "-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(second))", "--data-binary", second, url,
                ])
                try await eventually(timeout: .seconds(20)) {
                    graph.requests.filter { $0.json?["text"]?["body"]?.stringValue == "[Echo] again" }.count == 2
                }
                #expect(graph.requests.filter { $0.json?["text"]?["body"]?.stringValue == "[Echo] again" }.count == 2)
                let retried = try await db.pool.query("SELECT status, attempts FROM outbox WHERE error_code = 130429 OR attempts > 1")
                #expect(try retried.string(row: 0, column: 0) == "sent")

                // Several numbers of several Meta apps: each delivery goes to the number's account, and only
                // when the number's own app signed it.
                let toOther = Self.webhook(id: "wamid.OTHER1", text: "for the other number", phoneNumberID: Self.otherPhoneNumberID)
                let routed = try await Self.curl([
                    "-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(toOther, secret: Self.otherAppSecret))", "--data-binary", toOther, url,
                ])
                #expect(routed.status == 200)
                let crossed = Self.webhook(id: "wamid.CROSSED", text: "signed by the wrong app")
                let crossedAnswer = try await Self.curl([
                    "-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(crossed, secret: Self.otherAppSecret))", "--data-binary", crossed, url,
                ])
                #expect(crossedAnswer.status == 200, "acknowledged so Meta does not retry, but not stored")
                let owners = try await db.pool.query(
                    "SELECT account_id, message_id FROM messages WHERE message_id IN ('wamid.OTHER1', 'wamid.CROSSED') ORDER BY message_id")
                #expect(owners.rowCount == 1)
                #expect(try owners.string(row: 0, column: 0) == "cloud-echo/other")
                try await eventually {
                    graph.requests.contains { $0.path == "/v25.0/\(Self.otherPhoneNumberID)/messages" && $0.authorization == "Bearer EAAG-other-token" }
                }
                #expect(graph.requests.contains { $0.path == "/v25.0/\(Self.otherPhoneNumberID)/messages" })

                // Media: downloaded with the bearer token, within mediaMaxMb (1 MB here).
                for (id, media) in [("wamid.IMG1", "MEDIA1"), ("wamid.IMG2", "MEDIABIG")] {
                    let image = Self.imageWebhook(id: id, mediaID: media)
                    let stored = try await Self.curl(["-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(image))", "--data-binary", image, url])
                    #expect(stored.status == 200)
                }
                let socket = ["--socket", ".wagate/control.sock"]
                let (downloaded, downloadOutput) = try await WagateProcess.run(
                    ["media", "cloud-echo/biz", "wamid.IMG1", "--out", "image.jpg"] + socket, directory: scratch.path)
                #expect(downloaded == 0, "\(downloadOutput)")
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: scratch.file("image.jpg")))) == Self.smallFile)
                let (tooBig, tooBigOutput) = try await WagateProcess.run(
                    ["media", "cloud-echo/biz", "wamid.IMG2", "--out", "big.jpg"] + socket, directory: scratch.path)
                #expect(tooBig != 0 && tooBigOutput.contains("mediaMaxMb"), "\(tooBigOutput)")

                // Meta's 131047 (outside the 24-hour window): recorded on the message, not retried.
                script.push(.json(
                    #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"A3"}}"#,
                    status: 400))
                let late = Self.webhook(id: "wamid.IN4", text: "late")
                _ = try await Self.curl(["-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(late))", "--data-binary", late, url])
                var history = ""
                for _ in 0..<100 {
                    let (_, listed) = try await WagateProcess.run(["history", "cloud-echo/biz", "+15551234567", "--limit", "50"] + socket, directory: scratch.path)
                    history = listed
                    if listed.contains("131047") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(history.contains("failed") && history.contains("131047"), "\(history)")
                try await Task.sleep(for: .milliseconds(300))
                #expect(graph.requests.filter { $0.json?["text"]?["body"]?.stringValue == "[Echo] late" }.count == 1, "not retried")

                // Meta's 190 (token expired): the account fails, and says why.
                script.push(.json(
                    #"{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A2"}}"#,
                    status: 401))
                let third = Self.webhook(id: "wamid.IN3", text: "still there?")
                _ = try await Self.curl([
                    "-X", "POST", "-H", "X-Hub-Signature-256: \(Self.signature(third))", "--data-binary", third, url,
                ])
                var accounts = ""
                for _ in 0..<100 {
                    let (_, listed) = try await WagateProcess.run(["accounts", "--socket", ".wagate/control.sock"], directory: scratch.path)
                    accounts = listed
                    if listed.contains("failed") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(accounts.contains("failed") && accounts.contains("access token was refused"), "\(accounts)")
                #expect(!gateway.output.contains(Self.accessToken), "the token never reaches the logs")
                #expect(!gateway.output.contains(Self.appSecret))

                gateway.signal(SIGTERM)
                #expect(await gateway.waitForExit(timeout: .seconds(60)) == 0, "\(gateway.output)")
            }
        }
    }

    func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }
}
