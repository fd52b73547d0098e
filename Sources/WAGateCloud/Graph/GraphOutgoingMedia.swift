/// A media message to send: an uploaded media id or a public link, with its caption and file name.
public struct GraphOutgoingMedia: Sendable, Hashable {
    /// The message types that carry media.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// JPEG or PNG, up to 5 MB.
        case image
        /// MP4 or 3GPP (H.264 and AAC), up to 16 MB.
        case video
        /// AAC, AMR, MP3, MP4 audio or OGG (Opus), up to 16 MB.
        case audio
        /// Any document type (PDF, Office, text), up to 100 MB.
        case document
        /// WebP, up to 100 KB (500 KB animated).
        case sticker

        /// Whether Meta accepts a caption on this kind.
        public var allowsCaption: Bool { self == .image || self == .video || self == .document }
    }

    /// Where Meta takes the file from.
    public enum Source: Sendable, Hashable {
        /// A media id returned by ``GraphClient/uploadMedia(_:mimeType:fileName:)`` (valid 30 days).
        case id(String)
        /// A public HTTP(S) URL Meta downloads the file from.
        case link(String)
    }

    /// What kind of message.
    public var kind: Kind
    /// Where the file comes from.
    public var source: Source
    /// Caption (image, video and document only).
    public var caption: String?
    /// The file name the recipient sees (document only).
    public var fileName: String?

    /// Describes a media message.
    public init(kind: Kind, source: Source, caption: String? = nil, fileName: String? = nil) {
        self.kind = kind
        self.source = source
        self.caption = caption
        self.fileName = fileName
    }
}
