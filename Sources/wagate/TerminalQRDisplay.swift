import Foundation
import Synchronization
import WAGateCore
import WAQRCode

/// Prints each account's QR code on standard output in half-block characters (65 columns with the
/// quiet zone, so it fits an 80-column terminal).
///
/// On a terminal, a new code of the same account replaces the previous one in place when nothing was
/// printed below it since (no log record, no other account's code); otherwise it is printed anew, so
/// log lines are never overwritten. Redirected output (a file, the journal) always gets a new block.
final class TerminalQRDisplay: Sendable {
    private struct Shown {
        var account: AccountID
        var lines: Int
        var logRecords: Int
    }

    private let isTerminal: Bool
    private let last = Mutex<Shown?>(nil)

    init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    /// Shows `qr` for `account`; `nil` (the code is gone: scanned, expired for good, or the account
    /// stopped) prints nothing, but the next code will not overwrite the old one's area.
    func present(_ account: AccountID, _ qr: PairingQR?) {
        last.withLock { shown in
            guard let qr else {
                if shown?.account == account { shown = nil }
                return
            }
            let lines: [String]
            do {
                lines = try QRCode(qr.text).terminalLines()
            } catch {
                // The text comes from our own keys; this would be a bug, said plainly.
                FileHandle.standardError.write(Data("[WhatsApp] cannot render the QR code for \(account): \(error)\n".utf8))
                return
            }
            let seconds = Int(max(0, qr.expiresAt.timeIntervalSince(qr.shownAt)).rounded())
            let block = [
                "[WhatsApp] Scan this QR code with WhatsApp on your phone: Settings > Linked Devices > Link a Device",
                "[WhatsApp] account \(account), valid for \(seconds) s; also `wagate qr \(account)` (--png FILE)",
            ] + lines
            var output = ""
            let records = TerminalActivity.records.load(ordering: .relaxed)
            if isTerminal, let previous = shown, previous.account == account, previous.logRecords == records {
                // Cursor up over the previous block and clear to the end of the screen.
                output += "\u{1B}[\(previous.lines)F\u{1B}[J"
            }
            output += block.joined(separator: "\n") + "\n"
            FileHandle.standardOutput.write(Data(output.utf8))
            shown = Shown(account: account, lines: block.count, logRecords: records)
        }
    }
}
