import Testing

@testable import MLXCore

@Suite struct GracePeriodTests {
  @Test(
    arguments: [
      ("0", 0), ("24h", 86_400), ("30m", 1_800), ("90s", 90), ("7d", 604_800), ("2w", 1_209_600),
      ("1h30m", 5_400),
    ] as [(String, Int64)])
  func durationsParse(text: String, seconds: Int64) {
    #expect(GracePeriod.seconds(parsing: text) == seconds)
  }

  @Test(arguments: ["", "5", "h", "1y", "-1h", "1.5h", "24 h", "1h30", "99999999999999d"])
  func otherTextIsRefused(text: String) {
    #expect(GracePeriod.seconds(parsing: text) == nil)
  }

  @Test func durationsPrintAsPeopleWriteThem() {
    #expect(GracePeriod.format(86_400) == "24h")
    #expect(GracePeriod.format(604_800) == "7d")
    #expect(GracePeriod.format(5_400) == "1h30m")
    #expect(GracePeriod.format(0) == "0s")
  }
}
