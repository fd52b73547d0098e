import Synchronization

/// Collects streamed text pieces.
final class PieceRecorder: Sendable {
    private let pieces = Mutex<[String]>([])

    var recorded: [String] { pieces.withLock { $0 } }

    func record(_ piece: String) {
        pieces.withLock { $0.append(piece) }
    }
}
