import Foundation
import Logging
import Synchronization
import Testing
import WAGateTestSupport
import WAGateCloud
import WAGateCore

/// Media upload (multipart), look-up and download through a local server playing the Graph API and
/// the media host, with the fixtures' `GET /{media-id}` and upload answers.
@Suite struct GraphClientMediaTests {
    static let mediaID = "1227829768162607"

    /// `media.json` with its URL pointed at the local server.
    static func mediaAnswer(baseURL: String, dropSize: Bool = false) throws -> String {
        guard case .object(var answer) = try Fixtures.json("whatsapp-business-java-api/src/test/resources/media.json") else {
            throw CancellationError()
        }
        answer["url"] = .string(baseURL + "/lookaside/whatsapp_business/attachments/?mid=\(mediaID)")
        if dropSize { answer["file_size"] = nil }
        return JSONValue.object(answer).jsonString()
    }

    @Test func uploadSendsMultipartAndReturnsTheID() async throws {
        let answer = try Fixtures.bytes("whatsapp-business-java-api/src/test/resources/uploadResponse.json")
        try await FakeGraphServer.with(respond: { _ in FakeGraphServer.Reply(status: 200, body: answer) }) { server, baseURL async throws in
            let file: [UInt8] = [0xFF, 0xD8, 0xFF, 0x00, 0x0D, 0x0A, 0x2D, 0x2D] + Array("jpeg bytes".utf8)
            let id = try await GraphClientTests.client(baseURL).uploadMedia(file, mimeType: "image/jpeg", fileName: "photo.jpg")
            #expect(id == "985569392615996")
            let request = try #require(server.requests.last)
            #expect(request.method == "POST")
            #expect(request.path == "/v25.0/\(GraphClientTests.phoneNumberID)/media")
            #expect(request.authorization == "Bearer \(GraphClientTests.token)")
            let contentType = try #require(request.contentType)
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
            let parts = Self.multipartParts(request.body, boundary: boundary)
            #expect(parts.map(\.headers) == [
                [#"Content-Disposition: form-data; name="messaging_product""#],
                [#"Content-Disposition: form-data; name="type""#],
                [#"Content-Disposition: form-data; name="file"; filename="photo.jpg""#, "Content-Type: image/jpeg"],
            ])
            #expect(parts.map(\.body) == [Array("whatsapp".utf8), Array("image/jpeg".utf8), file])
        }
    }

    @Test func mediaInfoReadsTheFixtureAnswer() async throws {
        try await FakeGraphServer.with(respond: { _ in
            FakeGraphServer.Reply(status: 200, body: (try? Fixtures.bytes("whatsapp-business-java-api/src/test/resources/media.json")) ?? [])
        }) { server, baseURL async throws in
            let info = try await GraphClientTests.client(baseURL).mediaInfo(id: Self.mediaID)
            #expect(
                info
                    == GraphMediaInfo(
                        id: "1227829768162607",
                        url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1228169767822607&ext=16772107977&hash=ATs5BiSbLTZzCFh73M16stmnUK2UV6NBqChXB4WWC21sw",
                        mimeType: "image/png", sha256: "72fd8a734216768565faf2b59cec266eea00a78dd039ce84356319fc8c4ad22e",
                        fileSize: 103632))
            let request = try #require(server.requests.last)
            #expect(request.method == "GET")
            #expect(request.path == "/v25.0/\(Self.mediaID)")
            #expect(request.query == "phone_number_id=\(GraphClientTests.phoneNumberID)")
            #expect(request.authorization == "Bearer \(GraphClientTests.token)")
        }
    }

    @Test func downloadFetchesTheURLWithTheBearerToken() async throws {
        let file = (0..<5000).map { UInt8($0 % 251) }
        let base = BaseURLBox()
        try await FakeGraphServer.with(respond: { request in
            if request.path.hasPrefix("/lookaside/") {
                return FakeGraphServer.Reply(status: 200, body: file, headers: ["Content-Type": "image/png"])
            }
            return .json((try? Self.mediaAnswer(baseURL: base.value, dropSize: true)) ?? "{}")
        }) { server, baseURL async throws in
            base.value = baseURL
            let download = try await GraphClientTests.client(baseURL).downloadMedia(id: Self.mediaID, maxBytes: 10_000)
            #expect(download.bytes == file)
            #expect(download.contentType == "image/png")
            #expect(download.info.mimeType == "image/png")
            #expect(server.requests.map(\.path) == ["/v25.0/\(Self.mediaID)", "/lookaside/whatsapp_business/attachments/"])
            #expect(server.requests.allSatisfy { $0.authorization == "Bearer \(GraphClientTests.token)" })
        }
    }

    @Test func aDeclaredSizeOverTheLimitIsRefusedBeforeDownloading() async throws {
        let base = BaseURLBox()
        try await FakeGraphServer.with(respond: { _ in .json((try? Self.mediaAnswer(baseURL: base.value)) ?? "{}") }) {
            server, baseURL in
            base.value = baseURL
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await GraphClientTests.client(baseURL).downloadMedia(id: Self.mediaID, maxBytes: 103_631)
            }
            #expect(error?.code == .mediaTooLarge)
            #expect(server.requests.count == 1)
        }
    }

    @Test(arguments: [false, true])
    func aDownloadOverTheLimitIsStopped(chunked: Bool) async throws {
        let file = [UInt8](repeating: 7, count: 20_000)
        let base = BaseURLBox()
        try await FakeGraphServer.with(respond: { request in
            if request.path.hasPrefix("/lookaside/") {
                return FakeGraphServer.Reply(status: 200, body: file, chunked: chunked)
            }
            return .json((try? Self.mediaAnswer(baseURL: base.value, dropSize: true)) ?? "{}")
        }) { _, baseURL async throws in
            base.value = baseURL
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await GraphClientTests.client(baseURL).downloadMedia(id: Self.mediaID, maxBytes: 10_000)
            }
            #expect(error?.code == .mediaTooLarge)
            // Exactly at the limit passes.
            let exact = try await GraphClientTests.client(baseURL).download(url: base.value + "/lookaside/x", maxBytes: 20_000)
            #expect(exact.bytes == file)
        }
    }

    @Test func anExpiredMediaURLIsAnAPIError() async throws {
        try await FakeGraphServer.with(respond: { _ in
            .json(#"{"error":{"message":"Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"T"}}"#, status: 404)
        }) { _, baseURL async throws in
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await GraphClientTests.client(baseURL).download(url: baseURL + "/lookaside/gone", maxBytes: 10)
            }
            #expect(error?.code == .api)
            #expect(error?.apiError?.code == 100)
        }
    }

    // MARK: - Helpers

    /// The base URL, known only once the server listens, for answers that point back at it.
    final class BaseURLBox: Sendable {
        private let storage = Mutex("")
        var value: String {
            get { storage.withLock { $0 } }
            set { storage.withLock { $0 = newValue } }
        }
    }

    /// Splits a multipart body into its parts' header lines and bodies.
    static func multipartParts(_ body: [UInt8], boundary: String) -> [(headers: [String], body: [UInt8])] {
        let delimiter = Array("--\(boundary)".utf8)
        var pieces: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + delimiter.count <= body.count {
            if Array(body[index..<index + delimiter.count]) == delimiter {
                pieces.append(Array(body[start..<index]))
                index += delimiter.count
                start = index
            } else {
                index += 1
            }
        }
        var parts: [(headers: [String], body: [UInt8])] = []
        for piece in pieces.dropFirst() {
            // Each piece: CRLF, headers, CRLF CRLF, body, CRLF.
            guard piece.count >= 4, let split = Self.find([13, 10, 13, 10], in: piece) else { continue }
            let headerText = String(decoding: piece[2..<split], as: UTF8.self)
            let content = Array(piece[(split + 4)..<(piece.count - 2)])
            parts.append((headerText.components(separatedBy: "\r\n"), content))
        }
        return parts
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where Array(haystack[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }
}
