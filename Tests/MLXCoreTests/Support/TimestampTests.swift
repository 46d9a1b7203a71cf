import Foundation
import Testing

@testable import MLXCore

@Suite struct TimestampTests {
  @Test func readsWhatItWrites() throws {
    for seconds in [0.0, 1_750_000_000.123, 1_798_761_599.999, 951_782_400.5] {
      let date = Date(timeIntervalSince1970: seconds)
      let parsed = try #require(Timestamp.parse(Timestamp.format(date)))
      #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1000).rounded(.down) / 1000) < 0.0005)
    }
  }

  @Test func theFastPathAgreesWithFoundation() throws {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    for text in [
      "2026-03-01T10:05:00.250Z", "2000-02-29T23:59:59.001Z", "1970-01-01T00:00:00.000Z",
    ] {
      let fast = try #require(Timestamp.parseUTC(text))
      let reference = try #require(formatter.date(from: text))
      #expect(abs(fast.timeIntervalSince1970 - reference.timeIntervalSince1970) < 0.0005, "\(text)")
    }
    #expect(
      Timestamp.parseUTC("2026-03-01T10:05:00Z") == Date(timeIntervalSince1970: 1_772_359_500))
  }

  @Test(arguments: [
    "2026-13-01T10:05:00Z", "2026-03-01 10:05:00Z", "2026-03-01T10:05:00", "2026-03-01T1x:05:00Z",
    "2026-03-01T10:05:00.Z",
  ])
  func rejectsWhatIsNotATime(text: String) {
    #expect(Timestamp.parseUTC(text) == nil)
  }

  @Test func otherOffsetsFallBackToFoundation() {
    #expect(
      Timestamp.parse("2026-03-01T12:05:00+02:00") == Date(timeIntervalSince1970: 1_772_359_500))
  }
}
