#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// One cell read as its field's type, straight from the file's bytes (no `String` made for
/// the common cases), as Table Schema defines the types' lexical forms.
enum FieldValue: Equatable {
  case text
  case integer(Int64)
  case number(Double)
  case boolean(Bool)
  /// Days since 1970-01-01.
  case date(Int64)
  /// Seconds since 1970-01-01T00:00:00Z.
  case datetime(Double)

  /// Whether values of this kind compare with minimum and maximum.
  var isOrdered: Bool {
    switch self {
    case .integer, .number, .date, .datetime: true
    case .text, .boolean: false
    }
  }

  /// The cell as `type`, or nil when it is not one. `any` and `string` accept every cell.
  static func parse<Bytes: RandomAccessCollection<UInt8>>(
    _ bytes: Bytes, as type: TableSchema.FieldType
  )
    -> FieldValue?
  where Bytes.Index == Int {
    switch type {
    case .string, .any: return .text
    case .integer: return integer(bytes).map { .integer($0) }
    case .number: return number(bytes).map { .number($0) }
    case .boolean: return boolean(bytes).map { .boolean($0) }
    case .date: return date(bytes).map { .date($0) }
    case .datetime: return datetime(bytes).map { .datetime($0) }
    }
  }

  /// Compares two ordered values of one type (an integer bound against an integer cell, …);
  /// nil for values that do not order.
  static func compare(_ left: FieldValue, _ right: FieldValue) -> Int? {
    func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
    switch (left, right) {
    case (.integer(let a), .integer(let b)): return sign(a, b)
    case (.number(let a), .number(let b)): return sign(a, b)
    case (.integer(let a), .number(let b)): return sign(Double(a), b)
    case (.number(let a), .integer(let b)): return sign(a, Double(b))
    case (.date(let a), .date(let b)): return sign(a, b)
    case (.datetime(let a), .datetime(let b)): return sign(a, b)
    default: return nil
    }
  }

  /// The value as a number, for profiles: dates in days, datetimes in seconds.
  var numeric: Double? {
    switch self {
    case .integer(let value): Double(value)
    case .number(let value): value
    case .date(let days): Double(days)
    case .datetime(let seconds): seconds
    case .boolean(let value): value ? 1 : 0
    case .text: nil
    }
  }

  // MARK: - Lexical forms

  /// An optional sign, then digits; at most 18 of them (every such value fits Int64).
  static func integer<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Int64?
  where Bytes.Index == Int {
    var index = bytes.startIndex
    var negative = false
    if index < bytes.endIndex,
      bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
    {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    let digits = bytes.endIndex - index
    guard digits > 0, digits <= 18 else { return nil }
    var value: Int64 = 0
    while index < bytes.endIndex {
      let digit = bytes[index] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      value = value * 10 + Int64(digit)
      index += 1
    }
    return negative ? -value : value
  }

  /// A decimal number with optional fraction and exponent, or NaN, INF, -INF (Table Schema's
  /// forms). Plain decimals of up to 15 significant digits are read exactly without strtod.
  static func number<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Double?
  where Bytes.Index == Int {
    let count = bytes.count
    guard count > 0, count <= 64 else { return nil }
    var index = bytes.startIndex
    var negative = false
    if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    var mantissa: Int64 = 0
    var digits = 0
    var scale = 0
    var seenPoint = false
    var simple = true
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte &- UInt8(ascii: "0") < 10 {
        if digits < 15 {
          mantissa = mantissa * 10 + Int64(byte &- UInt8(ascii: "0"))
          if seenPoint { scale += 1 }
        } else {
          simple = false
        }
        digits += 1
      } else if byte == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else {
        simple = false
        break
      }
      index += 1
    }
    if simple, digits > 0 {
      let value = Double(mantissa) / powersOfTen[scale]
      return negative ? -value : value
    }
    return slowNumber(bytes)
  }

  private static let powersOfTen: [Double] = (0...15).map { power in
    (0..<power).reduce(1.0) { value, _ in value * 10 }
  }

  /// strtod over a copy, for exponents, long mantissas and the special values.
  private static func slowNumber<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Double? {
    let text = String(decoding: bytes, as: UTF8.self)
    switch text {
    case "NaN": return .nan
    case "INF", "+INF": return .infinity
    case "-INF": return -.infinity
    default: break
    }
    // Only the characters of a decimal number: strtod would also take hex, "inf", spaces.
    guard
      text.utf8.allSatisfy({ byte in
        byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
          || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
      }), text.utf8.contains(where: { $0 &- UInt8(ascii: "0") < 10 })
    else { return nil }
    return text.withCString { start -> Double? in
      var end: UnsafeMutablePointer<CChar>?
      let value = strtod(start, &end)
      guard let end, end.pointee == 0, end != UnsafeMutablePointer(mutating: start) else {
        return nil
      }
      return value.isFinite ? value : nil
    }
  }

  /// Table Schema's default true and false values.
  static func boolean<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool? {
    guard bytes.count <= 5 else { return nil }
    let count = bytes.count
    if trueForms.contains(where: { $0.count == count && $0.elementsEqual(bytes) }) { return true }
    if falseForms.contains(where: { $0.count == count && $0.elementsEqual(bytes) }) { return false }
    return nil
  }

  private static let trueForms: [[UInt8]] = ["true", "True", "TRUE", "1"].map { Array($0.utf8) }
  private static let falseForms: [[UInt8]] = ["false", "False", "FALSE", "0"].map {
    Array($0.utf8)
  }

  /// `YYYY-MM-DD`, a real calendar day; days since 1970-01-01.
  static func date<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Int64?
  where Bytes.Index == Int {
    guard bytes.count == 10 else { return nil }
    let start = bytes.startIndex
    guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
      let year = digits(bytes, start, 4), let month = digits(bytes, start + 5, 2),
      let day = digits(bytes, start + 8, 2), (1...12).contains(month), day >= 1,
      day <= daysIn(month: month, year: year)
    else { return nil }
    return daysSinceEpoch(year: year, month: month, day: day)
  }

  /// `YYYY-MM-DDTHH:MM:SS` with an optional fraction and `Z` or `±HH:MM`; a time without an
  /// offset is read as UTC.
  static func datetime<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Double?
  where Bytes.Index == Int {
    guard bytes.count >= 19, bytes.count <= 40 else { return nil }
    let start = bytes.startIndex
    guard let days = date(bytes[start..<(start + 10)]),
      bytes[start + 10] == UInt8(ascii: "T") || bytes[start + 10] == UInt8(ascii: " "),
      bytes[start + 13] == UInt8(ascii: ":"), bytes[start + 16] == UInt8(ascii: ":"),
      let hour = digits(bytes, start + 11, 2), let minute = digits(bytes, start + 14, 2),
      let second = digits(bytes, start + 17, 2), hour < 24, minute < 60, second < 61
    else { return nil }
    var seconds = Double(days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    var index = start + 19
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
      index += 1
      var scale = 0.1
      let first = index
      while index < bytes.endIndex, bytes[index] &- UInt8(ascii: "0") < 10 {
        seconds += Double(bytes[index] &- UInt8(ascii: "0")) * scale
        scale /= 10
        index += 1
      }
      guard index > first else { return nil }
    }
    if index == bytes.endIndex { return seconds }
    if bytes[index] == UInt8(ascii: "Z") { return index + 1 == bytes.endIndex ? seconds : nil }
    guard bytes.endIndex - index == 6, bytes[index + 3] == UInt8(ascii: ":"),
      bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
      let offsetHours = digits(bytes, index + 1, 2),
      let offsetMinutes = digits(bytes, index + 4, 2),
      offsetHours < 24, offsetMinutes < 60
    else { return nil }
    let offset = Double(offsetHours * 3600 + offsetMinutes * 60)
    return bytes[index] == UInt8(ascii: "+") ? seconds - offset : seconds + offset
  }

  private static func digits<Bytes: RandomAccessCollection<UInt8>>(
    _ bytes: Bytes, _ start: Int, _ count: Int
  ) -> Int? where Bytes.Index == Int {
    var value = 0
    for index in start..<(start + count) {
      let digit = bytes[index] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
    }
    return value
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Howard Hinnant's days_from_civil.
  static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
    let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
