extension QRCode {
    /// Draws the code with half-block characters, two module rows per text line, one column per module.
    ///
    /// Each character cell stands for two vertically stacked modules and is one of `█` (both drawn),
    /// `▀` (top drawn), `▄` (bottom drawn) or a space (neither). A terminal cell is about twice as
    /// tall as it is wide, so the modules come out roughly square.
    ///
    /// Which modules are "drawn" (painted in the terminal's foreground colour):
    /// - By default the **light** modules, quiet zone included, are drawn and the dark ones are left
    ///   as background. Terminals usually paint light text on a dark background, so the result reads
    ///   as dark modules on light, which is what scanners look for (most do not try inverted codes).
    ///   The quiet zone must be drawn too: the terminal's own dark background around the symbol does
    ///   not count as one.
    /// - With `inverted`, the **dark** modules are drawn, for terminals with dark text on a light
    ///   background; the quiet zone is then background.
    ///
    /// Size: a version-10 symbol (the WhatsApp pairing text at level L) with the standard 4-module
    /// quiet zone is 65 columns by 33 lines; anything up to version 13 fits 80 columns.
    ///
    /// When the number of module rows (size plus both quiet zones) is odd, the last line's bottom half
    /// lies outside the code and is left as background.
    ///
    /// ```swift
    /// print(try QRCode(qrText).terminalString(), terminator: "")
    /// ```
    ///
    /// > Note: `▀ ▄ █` have East Asian width "ambiguous": a terminal set up for CJK may draw them two
    /// > columns wide, which doubles the width.
    ///
    /// - Parameters:
    ///   - quietZone: The light margin in modules on every side; ``standardQuietZone`` by default.
    ///     Negative values count as 0.
    ///   - inverted: Draw the dark modules instead of the light ones (for light-background terminals).
    /// - Returns: The lines, each ended by `"\n"`; every line is `size + 2 × quietZone` characters.
    public func terminalString(quietZone: Int = QRCode.standardQuietZone, inverted: Bool = false) -> String {
        terminalLines(quietZone: quietZone, inverted: inverted).map { $0 + "\n" }.joined()
    }

    /// The lines of ``terminalString(quietZone:inverted:)``, without line ends.
    ///
    /// - Parameters:
    ///   - quietZone: The light margin in modules on every side; negative values count as 0.
    ///   - inverted: Draw the dark modules instead of the light ones.
    /// - Returns: `(size + 2 × quietZone + 1) / 2` lines of `size + 2 × quietZone` characters each.
    public func terminalLines(quietZone: Int = QRCode.standardQuietZone, inverted: Bool = false) -> [String] {
        let margin = max(0, quietZone)
        let extent = size + 2 * margin
        // A row outside the code (below an odd last row) is never drawn: it is terminal background.
        func drawn(_ x: Int, _ y: Int) -> Bool {
            guard y < extent else { return false }
            return isDark(x: x - margin, y: y - margin) == inverted
        }
        var lines: [String] = []
        lines.reserveCapacity((extent + 1) / 2)
        for y in stride(from: 0, to: extent, by: 2) {
            var line = ""
            line.unicodeScalars.reserveCapacity(extent)
            for x in 0..<extent {
                switch (drawn(x, y), drawn(x, y + 1)) {
                case (true, true): line.unicodeScalars.append("\u{2588}")  // █ full block
                case (true, false): line.unicodeScalars.append("\u{2580}")  // ▀ upper half block
                case (false, true): line.unicodeScalars.append("\u{2584}")  // ▄ lower half block
                case (false, false): line.unicodeScalars.append(" ")
                }
            }
            lines.append(line)
        }
        return lines
    }
}
