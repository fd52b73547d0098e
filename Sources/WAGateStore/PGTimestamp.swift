import Foundation

/// Converts between `Date` and PostgreSQL's ISO text format for `timestamptz`.
///
/// Hand-written rather than a `DateFormatter`: formatters are not thread-safe to share, cost microseconds
/// per call, and do not handle PostgreSQL's microseconds, `BC` suffix or `infinity`.
enum PGTimestamp {
    private static let microsPerDay: Int64 = 86_400_000_000

    /// `2024-01-02 03:04:05.123456+00` (UTC, microseconds); years before 1 AD get PostgreSQL's ` BC`.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            days -= 1
            rest += microsPerDay
        }
        let (year, month, day) = civil(fromDays: days)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        let bc = year <= 0
        var text = pad(bc ? 1 - year : year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += " " + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        text += "." + pad(fraction, 6) + "+00"
        return bc ? text + " BC" : text
    }

    /// Parses PostgreSQL's ISO output (`DateStyle = ISO`) with any UTC offset; `infinity` maps to
    /// `Date.distantFuture` and `-infinity` to `Date.distantPast`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var bytes = Array(text.utf8)
        var bc = false
        if bytes.count > 3, bytes.suffix(3) == Array(" BC".utf8) {
            bc = true
            bytes.removeLast(3)
        }
        var i = 0
        func number(minDigits: Int, maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            var digits = 0
            while i < bytes.count, digits < maxDigits, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                value = value * 10 + Int64(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits >= minDigits ? value : nil
        }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard var year = number(minDigits: 4, maxDigits: 7), expect("-"),
            let month = number(minDigits: 2, maxDigits: 2), expect("-"),
            let day = number(minDigits: 2, maxDigits: 2)
        else { return nil }
        guard i < bytes.count, bytes[i] == 0x20 || bytes[i] == UInt8(ascii: "T") else { return nil }
        i += 1
        guard let hour = number(minDigits: 2, maxDigits: 2), expect(":"),
            let minute = number(minDigits: 2, maxDigits: 2), expect(":"),
            let second = number(minDigits: 2, maxDigits: 2)
        else { return nil }
        var micros: Int64 = 0
        if expect(".") {
            let start = i
            guard let fraction = number(minDigits: 1, maxDigits: 6) else { return nil }
            var scale = 6 - (i - start)
            micros = fraction
            while scale > 0 {
                micros *= 10
                scale -= 1
            }
        }
        var offsetSeconds: Int64 = 0
        if i < bytes.count {
            let sign: Int64
            if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
            guard let h = number(minDigits: 2, maxDigits: 2) else { return nil }
            var m: Int64 = 0
            var s: Int64 = 0
            if expect(":") {
                guard let mm = number(minDigits: 2, maxDigits: 2) else { return nil }
                m = mm
                if expect(":") {
                    guard let ss = number(minDigits: 2, maxDigits: 2) else { return nil }
                    s = ss
                }
            }
            offsetSeconds = sign * (h * 3600 + m * 60 + s)
        }
        guard i == bytes.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        if bc { year = 1 - year }
        let days = days(fromCivil: year, month, day)
        let total = (days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) * 1_000_000 + micros
        return Date(timeIntervalSince1970: Double(total) / 1_000_000)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    // Howard Hinnant's proleptic-Gregorian day arithmetic (http://howardhinnant.github.io/date_algorithms.html).

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }
}
