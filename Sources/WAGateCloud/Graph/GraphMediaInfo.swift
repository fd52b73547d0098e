/// `GET /{media-id}`: where to download a media file (the URL is valid for 5 minutes and needs the
/// bearer token) and what it should be.
public struct GraphMediaInfo: Sendable, Hashable {
    /// The media id.
    public var id: String
    /// The download URL (on `lookaside.fbsbx.com`).
    public var url: String
    /// MIME type.
    public var mimeType: String?
    /// SHA-256 of the file, as Meta gives it.
    public var sha256: String?
    /// Size in bytes.
    public var fileSize: Int64?

    /// Creates a description.
    public init(id: String, url: String, mimeType: String? = nil, sha256: String? = nil, fileSize: Int64? = nil) {
        self.id = id
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
    }
}
