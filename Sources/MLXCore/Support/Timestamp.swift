import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// ISO 8601 times in UTC with milliseconds (`2026-11-22T10:15:00.123Z`), as run records and
/// registry events write them; reading also accepts times without fractions.
public enum Timestamp {
  /// Times a Git object may carry that mlx formats: from the epoch to the end of year 9999.
  static let representable: ClosedRange<Int64> = 0...253_402_300_799

  public static func format(_ date: Date) -> String {
    // By hand: a formatter per call costs more than the registry's whole read at 10,000 tags.
    let interval = date.timeIntervalSince1970
    guard interval.isFinite, interval >= 0, interval <= Double(representable.upperBound) else {
      return interval < 0 ? "1970-01-01T00:00:00.000Z" : "9999-12-31T23:59:59.999Z"
    }
    let milliseconds = Int64((interval * 1000).rounded(.down))
    var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let millis = Int(milliseconds - Int64(seconds) * 1000)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
  }

  public static func parse(_ text: String) -> Date? {
    if let date = parseUTC(text) { return date }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
  }

  /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` by hand: what mlx writes, read a thousand times when
  /// the run index is built (a formatter per call took 40% of that).
  static func parseUTC(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"),
      bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
      bytes[16] == UInt8(ascii: ":")
    else { return nil }
    func number(_ range: Range<Int>) -> Int32? {
      var value: Int32 = 0
      for index in range {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int32(digit)
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var fraction = 0.0
    if bytes.count > 20 {
      guard bytes[19] == UInt8(ascii: "."), bytes.count > 21,
        let digits = number(20..<(bytes.count - 1)),
        bytes.count - 21 <= 9
      else { return nil }
      fraction = Double(digits) / pow(10, Double(bytes.count - 21))
    }
    var parts = tm()
    parts.tm_year = year - 1900
    parts.tm_mon = month - 1
    parts.tm_mday = day
    parts.tm_hour = hour
    parts.tm_min = minute
    parts.tm_sec = second
    return Date(timeIntervalSince1970: Double(timegm(&parts)) + fraction)
  }
}
