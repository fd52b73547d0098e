import WAQRCode

/// Turns half-block text back into pixels the way a terminal shows it: a drawn half cell takes the
/// foreground colour, an undrawn one the background colour, and the screen around the text is
/// background too.
enum TerminalScreen {
    enum Theme {
        /// Light text on a dark background (the usual terminal).
        case lightOnDark
        /// Dark text on a light background.
        case darkOnLight
    }

    /// Which halves of a cell are drawn, or nil for a character that is not a half block.
    static func halves(_ scalar: Unicode.Scalar) -> (top: Bool, bottom: Bool)? {
        switch scalar {
        case "\u{2588}": (true, true)
        case "\u{2580}": (true, false)
        case "\u{2584}": (false, true)
        case " ": (false, false)
        default: nil
        }
    }

    /// The PNG of the lines as shown on a terminal with the given theme, with `margin` modules of
    /// screen background on every side, `scale` pixels per module.
    static func png(lines: [String], theme: Theme, margin: Int = 6, scale: Int = 4) throws -> [UInt8] {
        let rows: [[Bool]] = try lines.flatMap { line -> [[Bool]] in
            let cells = try line.unicodeScalars.map { scalar in
                guard let halves = halves(scalar) else { throw Zbar.Failure(description: "unexpected \(scalar)") }
                return halves
            }
            return [cells.map(\.top), cells.map(\.bottom)]
        }
        let columns = rows.map(\.count).max() ?? 0
        let foregroundIsDark = theme == .darkOnLight
        func isDark(_ x: Int, _ y: Int) -> Bool {
            let row = y - margin
            let column = x - margin
            let drawn = rows.indices.contains(row) && rows[row].indices.contains(column) && rows[row][column]
            return drawn == foregroundIsDark
        }
        let width = (columns + 2 * margin) * scale
        let height = (rows.count + 2 * margin) * scale
        return try PNGEncoder.encodeBilevel(width: width, height: height) {
            isDark($0 / scale, $1 / scale)
        }
    }
}
