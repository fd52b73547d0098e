/// The description of a media message; the bytes themselves are downloaded on demand.
public struct MediaAttachment: Sendable, Hashable, Codable {
    /// The kinds of media.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case image, audio, voice, video, document, sticker
    }

    /// What it is.
    public var kind: Kind
    /// The Cloud API media id (fetched with `GET /{media-id}`).
    public var mediaID: String?
    /// Where WhatsApp Web serves the encrypted file (`directPath`), or a link given by the sender.
    public var location: String?
    /// MIME type as declared by the sender.
    public var mimeType: String?
    /// Hash of the file as given by WhatsApp (base64 or hex, as received).
    public var sha256: String?
    /// Caption text.
    public var caption: String?
    /// Original file name (documents).
    public var fileName: String?
    /// Size in bytes, when declared.
    public var fileLength: Int64?
    /// Whether the sticker is animated, or the video is a GIF.
    public var animated: Bool

    /// Creates a description.
    public init(
        kind: Kind, mediaID: String? = nil, location: String? = nil, mimeType: String? = nil, sha256: String? = nil,
        caption: String? = nil, fileName: String? = nil, fileLength: Int64? = nil, animated: Bool = false
    ) {
        self.kind = kind
        self.mediaID = mediaID
        self.location = location
        self.mimeType = mimeType
        self.sha256 = sha256
        self.caption = caption
        self.fileName = fileName
        self.fileLength = fileLength
        self.animated = animated
    }
}
