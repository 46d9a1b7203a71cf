import Foundation
import Testing

/// The corpus of malformed inputs in `Fixtures/malformed/PARSER/CASE`: each case must be
/// rejected with exactly the one-line message `Fixtures/malformed/expected.tsv` records.
///
/// To add a case, put the file in its parser's folder and run the tests once with
/// `MLX_UPDATE_MALFORMED_CORPUS=1`, which rewrites `expected.tsv` from what the parsers say;
/// read the new line, and commit both (docs/testing.md).
@Suite struct MalformedCorpusTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/malformed").path
  static let expectationsPath = directory + "/expected.tsv"

  /// Every case, as `parser/file`, sorted.
  static var cases: [String] {
    FuzzedParser.allCases.flatMap { parser in
      let names =
        (try? FileManager.default.contentsOfDirectory(
          atPath: directory + "/" + parser.rawValue)) ?? []
      return names.filter { !$0.hasPrefix(".") }.map { "\(parser.rawValue)/\($0)" }
    }.sorted()
  }

  static func expectations() throws -> [String: String] {
    let text = try String(contentsOfFile: expectationsPath, encoding: .utf8)
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let fields = line.split(separator: "\t", maxSplits: 1)
      if fields.count == 2 { result[String(fields[0])] = String(fields[1]) }
    }
    return result
  }

  static func message(for name: String) throws -> String? {
    let parser = FuzzedParser(rawValue: String(name.prefix { $0 != "/" }))!
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    return parser.parse(bytes)
  }

  @Test func corpusCoversEveryParser() throws {
    let cases = Self.cases
    #expect(cases.count >= 60, "\(cases.count) cases")
    for parser in FuzzedParser.allCases {
      let count = cases.filter { $0.hasPrefix(parser.rawValue + "/") }.count
      #expect(count >= 6, "\(parser): \(count) cases")
    }
  }

  @Test func everyCaseFailsWithItsExpectedOneLineMessage() throws {
    if ProcessInfo.processInfo.environment["MLX_UPDATE_MALFORMED_CORPUS"] == "1" {
      try Self.rewriteExpectations()
    }
    let expected = try Self.expectations()
    #expect(Set(expected.keys) == Set(Self.cases), "expected.tsv lists other cases than the files")
    for name in Self.cases {
      let parser = FuzzedParser(rawValue: String(name.prefix { $0 != "/" }))!
      guard let message = try Self.message(for: name) else {
        Issue.record("\(name) is accepted")
        continue
      }
      #expect(parser.messageProblem(message) == nil, "\(name): \(message)")
      #expect(message == expected[name], "\(name)")
    }
  }

  private static func rewriteExpectations() throws {
    var lines = [
      "# Each malformed input under this folder and the exact error its parser gives.",
      "# Regenerate with MLX_UPDATE_MALFORMED_CORPUS=1 swift test --filter MalformedCorpus",
      "# and review every changed line (docs/testing.md).",
    ]
    for name in cases {
      lines.append("\(name)\t\(try message(for: name) ?? "ACCEPTED")")
    }
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: expectationsPath, atomically: true, encoding: .utf8)
  }
}
