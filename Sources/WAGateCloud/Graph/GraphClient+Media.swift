import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import WAGateCore

// Media: upload (`POST /{phone-number-id}/media`), look-up (`GET /{media-id}`) and download (`GET`
// the URL it gives, with the bearer token).

extension GraphClient {
    /// Uploads a file for sending; the id it returns is valid for 30 days.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - mimeType: its MIME type (`image/jpeg`, `audio/ogg`, `application/pdf`, ...).
    ///   - fileName: the name sent with the file.
    /// - Returns: the media id, for ``GraphOutgoingMedia/Source/id(_:)``.
    public func uploadMedia(_ data: [UInt8], mimeType: String, fileName: String) async throws(GraphClientError)
        -> String
    {
        guard !data.isEmpty else { throw GraphClientError(.invalidRequest, "the file is empty") }
        var form = MultipartFormData()
        form.addField(name: "messaging_product", value: "whatsapp")
        form.addField(name: "type", value: mimeType)
        form.addFile(name: "file", fileName: fileName, contentType: mimeType, data: data)
        form.finish()
        var request = HTTPClientRequest(url: configuration.url(phoneNumberID, "media"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: form.contentType)
        request.body = .bytes(ByteBuffer(bytes: form.bytes))
        let answer = try await executeJSON(request, operation: "upload_media")
        guard let id = answer.nonEmptyText("id") else {
            throw GraphClientError(.invalidResponse, "the upload answer has no id")
        }
        return id
    }

    /// Looks up a media id (from a webhook, or an upload): its short-lived download URL, type, hash
    /// and size.
    public func mediaInfo(id: String) async throws(GraphClientError) -> GraphMediaInfo {
        var request = HTTPClientRequest(
            url: configuration.url(id) + "?phone_number_id=" + GraphClientConfiguration.encodePathComponent(phoneNumberID))
        request.method = .GET
        let answer = try await executeJSON(request, operation: "media_info")
        guard let url = answer.nonEmptyText("url") else {
            throw GraphClientError(.invalidResponse, "the media answer has no url")
        }
        return GraphMediaInfo(
            id: answer.nonEmptyText("id") ?? id, url: url, mimeType: answer.nonEmptyText("mime_type"),
            sha256: answer.nonEmptyText("sha256"), fileSize: answer.integer("file_size").map(Int64.init))
    }

    /// Downloads a media file: looks it up, then fetches its URL with the bearer token.
    /// - Parameters:
    ///   - id: the media id.
    ///   - maxBytes: the largest file accepted (the account's `mediaMaxMb`); a larger one is refused
    ///     from its declared size, or stopped as soon as more bytes arrive.
    /// - Throws: ``GraphClientError/Code/mediaTooLarge`` past `maxBytes`.
    public func downloadMedia(id: String, maxBytes: Int) async throws(GraphClientError) -> GraphMediaDownload {
        let info = try await mediaInfo(id: id)
        if let size = info.fileSize, size > Int64(maxBytes) {
            throw GraphClientError(.mediaTooLarge, "media \(id) has \(size) bytes; the limit is \(maxBytes)")
        }
        let (bytes, contentType) = try await download(url: info.url, maxBytes: maxBytes)
        return GraphMediaDownload(info: info, bytes: bytes, contentType: contentType)
    }

    /// Fetches a media URL Meta handed out, with the bearer token, reading at most `maxBytes`.
    /// - Returns: the bytes and the `Content-Type`.
    public func download(url: String, maxBytes: Int) async throws(GraphClientError) -> (bytes: [UInt8], contentType: String?) {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw GraphClientError(.invalidRequest, "the media URL is not HTTP(S)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request = authorized(request)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw GraphClientError(.transport, "media download: \(String(describing: error))")
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            var errorBody: [UInt8] = []
            if var buffer = try? await response.body.collect(upTo: configuration.maxResponseBytes) {
                errorBody = buffer.readBytes(length: buffer.readableBytes) ?? []
            }
            if let apiError = GraphAPIError(responseBody: errorBody, httpStatus: status) {
                throw GraphClientError(.api, apiError.message, apiError: apiError)
            }
            throw GraphClientError(.httpStatus, "media download: HTTP \(status)", httpStatus: status)
        }
        if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > maxBytes {
            throw GraphClientError(.mediaTooLarge, "the media has \(declared) bytes; the limit is \(maxBytes)")
        }
        var bytes: [UInt8] = []
        do {
            // Streamed, so that a server that lies about (or omits) the length is cut off at the limit.
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= maxBytes else {
                    throw GraphClientError(.mediaTooLarge, "the media is larger than the limit of \(maxBytes) bytes")
                }
                bytes += chunk.readableBytesView
            }
        } catch let error as GraphClientError {
            throw error
        } catch {
            throw GraphClientError(.transport, "media download: \(String(describing: error))")
        }
        log.debug("Graph media downloaded", metadata: ["graph.media.bytes": "\(bytes.count)"])
        return (bytes, response.headers.first(name: "Content-Type"))
    }
}
