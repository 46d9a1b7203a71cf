import Foundation

/// A time as git reads it from `GIT_COMMITTER_DATE` and `GIT_AUTHOR_DATE`: seconds since the
/// epoch and the time zone to write beside them.
///
/// Accepts the forms git's "DATE FORMATS" documents: git's internal `SECONDS ±HHMM` (with or
/// without `@`), RFC 2822 (`Thu, 07 Apr 2005 22:13:13 +0200`), ISO 8601 (`2005-04-07T22:13:13`,
/// `T` or a space, optional fractional seconds, `Z`, `±HH:MM`, `±HHMM` or `±HH`), and the
/// dates `YYYY.MM.DD`, `MM/DD/YYYY` and `DD.MM.YYYY`, each with an optional `HH:MM[:SS]`.
/// Without a zone the time is local, as with git.
public struct GitDate: Equatable, Sendable {
  public var seconds: Int64
  /// Minutes east of UTC.
  public var offsetMinutes: Int

  public init(seconds: Int64, offsetMinutes: Int) {
    self.seconds = seconds
    self.offsetMinutes = offsetMinutes
  }

  /// Now, in the local time zone.
  public static func now() -> GitDate {
    let date = Date()
    return GitDate(
      seconds: Int64(date.timeIntervalSince1970.rounded(.down)),
      offsetMinutes: TimeZone.current.secondsFromGMT(for: date) / 60)
  }

  public var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

  /// The zone as git writes it: `+0100`, `-0530`.
  public var zone: String {
    let sign = offsetMinutes < 0 ? "-" : "+"
    let minutes = abs(offsetMinutes)
    return sign + String(format: "%02d%02d", minutes / 60, minutes % 60)
  }

  /// The same instant, `count` seconds later.
  public func adding(seconds count: Int64) -> GitDate {
    GitDate(seconds: seconds + count, offsetMinutes: offsetMinutes)
  }

  // MARK: - Parsing

  /// Parses any form git accepts for `GIT_COMMITTER_DATE`; nil for anything else.
  public init?(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let raw = Self.parseInternal(trimmed) {
      self = raw
      return
    }
    var fields = Fields()
    for token in Self.tokens(trimmed) {
      guard fields.take(token) else { return nil }
    }
    guard let result = fields.resolve() else { return nil }
    self = result
  }

  /// `@SECONDS`, `@SECONDS ±HHMM` or `SECONDS ±HHMM`.
  private static func parseInternal(_ text: String) -> GitDate? {
    let parts = text.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 1 || parts.count == 2 else { return nil }
    let hasAt = parts[0].hasPrefix("@")
    let digits = hasAt ? parts[0].dropFirst() : parts[0]
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
      let seconds = Int64(digits)
    else { return nil }
    if parts.count == 1 {
      guard hasAt else { return nil }
      return GitDate(seconds: seconds, offsetMinutes: 0)
    }
    guard hasAt || digits.count >= 9, let offset = zoneOffset(String(parts[1])) else { return nil }
    return GitDate(seconds: seconds, offsetMinutes: offset)
  }

  /// Splits on spaces and commas, and an ISO `T` between a date and a time.
  private static func tokens(_ text: String) -> [String] {
    var tokens: [String] = []
    for piece in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
      let word = String(piece)
      if let t = word.firstIndex(where: { $0 == "T" || $0 == "t" }), t != word.startIndex,
        word[..<t].allSatisfy({ $0.isNumber || $0 == "-" }), word[..<t].contains("-")
      {
        tokens.append(String(word[..<t]))
        tokens.append(String(word[word.index(after: t)...]))
      } else {
        tokens.append(word)
      }
    }
    return tokens
  }

  /// `Z`, `UTC`, `GMT`, `±HH`, `±HHMM`, `±HH:MM` in minutes.
  static func zoneOffset(_ text: String) -> Int? {
    if ["z", "utc", "gmt", "ut"].contains(text.lowercased()) { return 0 }
    guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
    let digits = text.dropFirst().filter { $0 != ":" }
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), [2, 4].contains(digits.count),
      text.dropFirst().filter({ $0 == ":" }).count <= 1
    else { return nil }
    let hours = Int(digits.prefix(2))!
    let minutes = digits.count == 4 ? Int(digits.suffix(2))! : 0
    guard hours <= 14, minutes < 60 else { return nil }
    return (hours * 60 + minutes) * (sign == "-" ? -1 : 1)
  }

  private static let months = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]
  private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

  /// The parts of a date found so far.
  private struct Fields {
    var year: Int?
    var month: Int?
    var day: Int?
    var hour = 0, minute = 0, second = 0
    var hasTime = false
    var offset: Int?

    /// Takes one token; false when it fits nowhere.
    mutating func take(_ token: String) -> Bool {
      let lower = token.lowercased()
      if lower.count >= 3, let month = GitDate.months.firstIndex(where: { lower.hasPrefix($0) }),
        lower.allSatisfy(\.isLetter)
      {
        guard self.month == nil else { return false }
        self.month = month + 1
        return true
      }
      if lower.count >= 3, GitDate.weekdays.contains(where: { lower.hasPrefix($0) }),
        lower.allSatisfy(\.isLetter)
      {
        return true
      }
      if token.hasPrefix("+") || token.hasPrefix("-") || ["z", "utc", "gmt", "ut"].contains(lower) {
        guard offset == nil, let zone = GitDate.zoneOffset(token) else { return false }
        offset = zone
        return true
      }
      if token.contains(":") { return takeTime(token) }
      if token.contains("-") || token.contains("/") || token.contains(".") {
        return takeDate(token)
      }
      guard let number = Int(token), token.allSatisfy(\.isNumber) else { return false }
      if token.count == 4, year == nil {
        year = number
        return true
      }
      if (1...31).contains(number), day == nil {
        day = number
        return true
      }
      return false
    }

    /// `HH:MM[:SS[.fraction]]`, with a zone glued on (`22:13:13Z`, `10:00:00+02:00`).
    private mutating func takeTime(_ token: String) -> Bool {
      guard !hasTime else { return false }
      var text = Substring(token)
      if let zoneStart = text.firstIndex(where: { $0 == "+" || $0 == "-" || $0 == "Z" || $0 == "z" }
      ) {
        guard offset == nil, let zone = GitDate.zoneOffset(String(text[zoneStart...])) else {
          return false
        }
        offset = zone
        text = text[..<zoneStart]
      }
      if let dot = text.firstIndex(of: ".") {
        guard text[text.index(after: dot)...].allSatisfy(\.isNumber) else { return false }
        text = text[..<dot]
      }
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2 || parts.count == 3,
        parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isNumber) })
      else { return false }
      hour = Int(parts[0])!
      minute = Int(parts[1])!
      second = parts.count == 3 ? Int(parts[2])! : 0
      guard hour < 24, minute < 60, second <= 60 else { return false }
      hasTime = true
      return true
    }

    /// `YYYY-MM-DD`, `YYYY.MM.DD`, `MM/DD/YYYY` or `DD.MM.YYYY`.
    private mutating func takeDate(_ token: String) -> Bool {
      guard year == nil, month == nil, day == nil else { return false }
      let separator: Character = token.contains("-") ? "-" : token.contains("/") ? "/" : "."
      let parts = token.split(separator: separator, omittingEmptySubsequences: false)
      guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
        return false
      }
      let numbers = parts.map { Int($0)! }
      switch (separator, parts[0].count) {
      case (_, 4): (year, month, day) = (numbers[0], numbers[1], numbers[2])
      case ("/", _): (month, day, year) = (numbers[0], numbers[1], numbers[2])
      case (".", _): (day, month, year) = (numbers[0], numbers[1], numbers[2])
      default: return false
      }
      return true
    }

    func resolve() -> GitDate? {
      guard let year, let month, let day, (1...12).contains(month), (1...31).contains(day),
        (1970...9999).contains(year)
      else { return nil }
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone =
        TimeZone(secondsFromGMT: (offset ?? 0) * 60) ?? TimeZone(identifier: "UTC")!
      var components = DateComponents(
        year: year, month: month, day: day, hour: hour, minute: minute, second: second)
      guard let first = calendar.date(from: components) else { return nil }
      if let offset {
        return GitDate(seconds: Int64(first.timeIntervalSince1970), offsetMinutes: offset)
      }
      // No zone: the local time, as git reads it.
      calendar.timeZone = TimeZone.current
      components.timeZone = TimeZone.current
      guard let local = calendar.date(from: components) else { return nil }
      return GitDate(
        seconds: Int64(local.timeIntervalSince1970),
        offsetMinutes: TimeZone.current.secondsFromGMT(for: local) / 60)
    }
  }
}
