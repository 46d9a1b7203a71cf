import Testing

@testable import MLXCore

/// Table Schema's lexical forms, read from bytes.
@Suite struct FieldValueTests {
  private func parse(_ text: String, _ type: TableSchema.FieldType) -> FieldValue? {
    FieldValue.parse(Array(text.utf8), as: type)
  }

  @Test(arguments: [
    ("0", Int64(0)), ("42", 42), ("-7", -7), ("+3", 3), ("007", 7),
    ("999999999999999999", 999_999_999_999_999_999),
  ])
  func integers(text: String, value: Int64) {
    #expect(parse(text, .integer) == .integer(value))
  }

  @Test(arguments: ["", "-", "1.0", "1e3", " 1", "1 ", "0x10", "9999999999999999999", "١"])
  func notIntegers(text: String) {
    #expect(parse(text, .integer) == nil)
  }

  /// Every number agrees with strtod, the fast path included.
  @Test(arguments: [
    "0", "1.5", "-0.25", ".5", "5.", "3.14159265358979", "123456789012345", "1e10", "-2.5E-3",
    "0.1", "0.30000000000000004", "1234567890.123456789", "+7.0",
  ])
  func numbersMatchStrtod(text: String) {
    #expect(parse(text, .number) == .number(Double(text)!))
  }

  @Test(arguments: ["", ".", "-", "1.2.3", "1e", "abc", "0x1p3", "inf", "nan", "1,5", " 1"])
  func notNumbers(text: String) {
    #expect(parse(text, .number) == nil)
  }

  @Test func specialNumbers() {
    #expect(parse("INF", .number) == .number(.infinity))
    #expect(parse("-INF", .number) == .number(-.infinity))
    if case .number(let value) = parse("NaN", .number) {
      #expect(value.isNaN)
    } else {
      Issue.record("NaN is a number")
    }
  }

  @Test func dates() {
    #expect(parse("1970-01-01", .date) == .date(0))
    #expect(parse("2000-03-01", .date) == .date(11_017))
    #expect(parse("2024-02-29", .date) == .date(19_782))
    for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024/01/01"] {
      #expect(parse(bad, .date) == nil, "\(bad)")
    }
  }

  @Test func datetimes() {
    #expect(parse("1970-01-01T00:00:00Z", .datetime) == .datetime(0))
    #expect(parse("1970-01-01T01:00:00+01:00", .datetime) == .datetime(0))
    #expect(parse("1970-01-02 00:00:00", .datetime) == .datetime(86_400))
    #expect(parse("1970-01-01T00:00:00.5Z", .datetime) == .datetime(0.5))
    for bad in [
      "1970-01-01", "1970-01-01T25:00:00", "1970-01-01T00:00:00.Z", "1970-01-01T00:00:00+1",
    ] {
      #expect(parse(bad, .datetime) == nil, "\(bad)")
    }
  }

  @Test func booleans() {
    for yes in ["true", "True", "TRUE", "1"] { #expect(parse(yes, .boolean) == .boolean(true)) }
    for no in ["false", "False", "FALSE", "0"] { #expect(parse(no, .boolean) == .boolean(false)) }
    for bad in ["yes", "no", "t", "", "truee"] { #expect(parse(bad, .boolean) == nil) }
  }
}
