/// A downloaded media file.
public struct GraphMediaDownload: Sendable, Hashable {
    /// What `GET /{media-id}` said about it.
    public var info: GraphMediaInfo
    /// The file's bytes.
    public var bytes: [UInt8]
    /// The `Content-Type` of the download, when given.
    public var contentType: String?

    /// Creates a download.
    public init(info: GraphMediaInfo, bytes: [UInt8], contentType: String? = nil) {
        self.info = info
        self.bytes = bytes
        self.contentType = contentType
    }
}
