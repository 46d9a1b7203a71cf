import Foundation
import Testing

@testable import MLXCore

/// Every form of `GIT_COMMITTER_DATE` that git's "DATE FORMATS" documents.
@Suite struct GitDateTests {
  @Test(arguments: [
    ("@1767225600", 1_767_225_600, 0),
    ("@1767225600 +0000", 1_767_225_600, 0),
    ("@1767225600 +0530", 1_767_225_600, 330),
    ("1767225600 -0700", 1_767_225_600, -420),
    ("Thu, 01 Jan 2026 00:00:00 +0000", 1_767_225_600, 0),
    ("Thu, 1 Jan 2026 02:00:00 +0200", 1_767_225_600, 120),
    ("2026-01-01T00:00:00Z", 1_767_225_600, 0),
    ("2026-01-01T00:00:00.250Z", 1_767_225_600, 0),
    ("2026-01-01 01:00:00 +01:00", 1_767_225_600, 60),
    ("2026-01-01T01:00:00+01:00", 1_767_225_600, 60),
    ("2026-01-01T01:00:00+0100", 1_767_225_600, 60),
    ("2025-12-31T19:00:00-05", 1_767_225_600, -300),
    ("2026.01.01 00:00:00 +0000", 1_767_225_600, 0),
    ("01/01/2026 00:00:00 +0000", 1_767_225_600, 0),
    ("01.01.2026 00:00 +0000", 1_767_225_600, 0),
    ("Jan 1 2026 00:00:00 UTC", 1_767_225_600, 0),
  ])
  func readsEveryFormGitAccepts(text: String, seconds: Int64, offset: Int) throws {
    let date = try #require(GitDate(parsing: text), "\(text)")
    #expect(date.seconds == seconds, "\(text)")
    #expect(date.offsetMinutes == offset, "\(text)")
  }

  @Test func writesTheZoneAsGitDoes() {
    #expect(GitDate(seconds: 0, offsetMinutes: 330).zone == "+0530")
    #expect(GitDate(seconds: 0, offsetMinutes: -420).zone == "-0700")
    #expect(GitDate(seconds: 0, offsetMinutes: 0).zone == "+0000")
  }

  @Test(arguments: [
    "", "yesterday", "@", "@12x", "2026-13-01", "2026-01-01T25:00:00Z", "1234 +0000", "+9999",
  ])
  func rejectsWhatGitRejects(text: String) {
    #expect(GitDate(parsing: text) == nil, "\(text)")
  }
}
