extension Duration {
    /// A uniformly random duration in `[0, self]`, at nanosecond resolution; zero for non-positive `self`.
    func randomFraction(using generator: inout some RandomNumberGenerator) -> Duration {
        let nanoseconds = self.nanosecondsClamped
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    /// A uniformly random duration in `range`, at nanosecond resolution.
    static func random(in range: ClosedRange<Duration>, using generator: inout some RandomNumberGenerator) -> Duration {
        range.lowerBound + (range.upperBound - range.lowerBound).randomFraction(using: &generator)
    }

    /// The whole nanoseconds in this duration, clamped to `Int64` (about 292 years).
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// Seconds with millisecond precision, e.g. `2.417 s`, for reasons and logs.
    var secondsText: String {
        let milliseconds = nanosecondsClamped / 1_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
    }
}
