import Testing
import WAQRCode

@Suite struct TerminalRenderingTests {
    static let glyphs: Set<Unicode.Scalar> = ["\u{2588}", "\u{2580}", "\u{2584}", " "]

    @Test func pairingQRCodeFits80Columns() throws {
        for seed: UInt64 in [20, 21, 22] {
            let code = try QRCode(PairingTextSample.make(seed: seed))
            let rendered = code.terminalString()
            #expect(rendered.hasSuffix("\n"))
            let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == (57 + 8 + 1) / 2)
            for line in lines {
                // Every glyph is one column wide (outside CJK terminals), so columns = scalars.
                #expect(line.unicodeScalars.allSatisfy(Self.glyphs.contains))
                #expect(line.unicodeScalars.count == 57 + 8)
                #expect(line.unicodeScalars.count <= 80)
            }
        }
    }

    @Test func normalRenderingScansOnALightOnDarkTerminal() throws {
        for seed: UInt64 in [30, 31, 32] {
            let text = PairingTextSample.make(seed: seed)
            let lines = try QRCode(text).terminalLines()
            #expect(try Zbar.decode(png: TerminalScreen.png(lines: lines, theme: .lightOnDark)) == text)
        }
    }

    @Test func invertedRenderingScansOnADarkOnLightTerminal() throws {
        for seed: UInt64 in [40, 41, 42] {
            let text = PairingTextSample.make(seed: seed)
            let lines = try QRCode(text).terminalLines(inverted: true)
            #expect(try Zbar.decode(png: TerminalScreen.png(lines: lines, theme: .darkOnLight)) == text)
        }
    }

    @Test func renderingOnTheWrongThemeDoesNotScan() throws {
        // The control for the two tests above: the glyph choice is what makes the code scannable.
        let text = PairingTextSample.make(seed: 50)
        let code = try QRCode(text)
        #expect(throws: Zbar.Failure.self) {
            try Zbar.decode(png: TerminalScreen.png(lines: code.terminalLines(), theme: .darkOnLight))
        }
        #expect(throws: Zbar.Failure.self) {
            try Zbar.decode(png: TerminalScreen.png(lines: code.terminalLines(inverted: true), theme: .lightOnDark))
        }
    }

    @Test func invertedRenderingSwapsEveryGlyph() throws {
        // Even row count (no half-outside last line): inversion is exactly a glyph swap.
        let code = try QRCode(PairingTextSample.make(seed: 60))
        let swap: [Unicode.Scalar: Unicode.Scalar] = [
            "\u{2588}": " ", " ": "\u{2588}", "\u{2580}": "\u{2584}", "\u{2584}": "\u{2580}",
        ]
        let normal = code.terminalLines(quietZone: 3)
        let inverted = code.terminalLines(quietZone: 3, inverted: true)
        #expect(normal.count == (57 + 6) / 2 + 1)
        for (a, b) in zip(normal.dropLast(), inverted.dropLast()) {
            #expect(String(String.UnicodeScalarView(a.unicodeScalars.map { swap[$0]! })) == b)
        }
    }

    @Test func quietZoneIsDrawnAsLight() throws {
        let code = try QRCode(PairingTextSample.make(seed: 70))
        let lines = code.terminalLines()
        // 4 light rows on top = two full lines of full blocks; the last line's bottom half is outside.
        #expect(lines[0].unicodeScalars.allSatisfy { $0 == "\u{2588}" })
        #expect(lines[1].unicodeScalars.allSatisfy { $0 == "\u{2588}" })
        #expect(lines.last!.unicodeScalars.allSatisfy { $0 == "\u{2580}" })
        for line in lines {
            #expect(line.unicodeScalars.prefix(4).allSatisfy { $0 == "\u{2588}" || $0 == "\u{2580}" })
            #expect(line.unicodeScalars.suffix(4).allSatisfy { $0 == "\u{2588}" || $0 == "\u{2580}" })
        }
        #expect(code.terminalLines(quietZone: -2) == code.terminalLines(quietZone: 0))
    }
}
