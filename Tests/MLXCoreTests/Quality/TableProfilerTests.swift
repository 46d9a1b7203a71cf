import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// Profiles of whole files: types inferred or given, pieces merged into the same bytes, a
/// column that turns out not to be numeric counted again, invalid cells left out.
@Suite struct TableProfilerTests {
  static let digest = "sha256:" + String(repeating: "0", count: 64)

  func profile(_ text: String, schema: TableSchema? = nil, pieceSize: Int = 16 << 20) throws
    -> TableProfile
  {
    try withTemporaryDirectory { directory in
      try directory.write(text, to: "t.csv")
      let profiler = TableProfiler(schema: schema.map { ($0, "schema test") }, pieceSize: pieceSize)
      return try profiler.profile(
        absolutePath: directory.path + "/t.csv", displayPath: "t.csv", digest: Self.digest)
    }
  }

  @Test func aColumnNumericAtFirstIsCountedAgainAsText() throws {
    var text = "code,n\n"
    for row in 0..<3000 { text += "\(row),\(row % 5)\n" }
    for row in 0..<500 { text += "A\(row % 3),\(row % 5)\n" }
    let profile = try profile(text)
    let code = try #require(profile.column(named: "code"))
    #expect(code.type == .string)
    #expect(code.numbers == nil)
    let values = try #require(code.values)
    #expect(!values.exact)
    // A0 occurs 167 times: its count is at most `undercount` below.
    let a0 = try #require(values.counts["A0"])
    #expect(a0 <= 167 && a0 >= 167 - values.undercount)
    let n = try #require(profile.column(named: "n"))
    #expect(n.type == .integer)
    #expect(n.values?.exact == true)
    #expect(n.values?.counts == ["0": 700, "1": 700, "2": 700, "3": 700, "4": 700])
    #expect(n.numbers?.sketch.isExact == true)
    #expect(n.numbers?.histogram.counts.reduce(0, +) == 3500)
  }

  @Test func manyPiecesGiveTheSameBytesEveryTime() throws {
    // Pieces of 128 KiB: a dozen, merged in order.
    var text = "id,value,label\n"
    var generator = SeededGenerator(state: 1)
    for row in 0..<60_000 {
      let value = Double.random(in: -1000..<1000, using: &generator)
      text += "\(row),\(value),l\(row % 13)\n"
    }
    #expect(text.utf8.count > 10 * (128 << 10))
    let first = try profile(text, pieceSize: 128 << 10)
    let second = try profile(text, pieceSize: 128 << 10)
    // Read as one piece, the same statistics (the sketch may differ within its bound).
    let whole = try profile(text, pieceSize: 1 << 30)
    #expect(whole.rows == first.rows)
    #expect(
      whole.column(named: "value")?.numbers?.min == first.column(named: "value")?.numbers?.min)
    #expect(whole.column(named: "label")?.values == first.column(named: "label")?.values)
    #expect(first.json == second.json)
    #expect(first.rows == 60_000)
    let value = try #require(first.column(named: "value")?.numbers)
    #expect(value.count == 60_000)
    #expect(!value.sketch.isExact)
    #expect(abs(value.quantile(0.5)!) < 1000 * 2 * value.sketch.rankErrorBound + 1)
    let decoded = try TableProfile(json: first.json, source: "stored")
    #expect(decoded == first)
    #expect(first.json.count < 100_000)
  }

  @Test func shortRowsQuotedCellsAndEveryCandidateTypeOverManyBlocks() throws {
    // ColumnTally tests the candidates after number in this order.
    #expect(ColumnTally.candidates == [.integer, .number, .date, .datetime, .boolean])
    var text = "i,n,d,t,b,s\n"
    var short = 0
    var trues = 0
    var quoted: [String: Int] = [:]
    for row in 0..<1000 {
      if row % 97 == 5 {
        text += "\(row),1.5\n"
        short += 1
        continue
      }
      let day = row % 28 + 1
      let second = row % 60
      text += "\(row),\(Double(row) / 4),2024-01-\(day < 10 ? "0" : "")\(day),"
      text += "2024-01-01T00:00:\(second < 10 ? "0" : "")\(second)Z,\(row % 3 == 0),"
      text += "\"a\"\"\(row % 7)\"\n"
      if row % 3 == 0 { trues += 1 }
      quoted["a\"\(row % 7)", default: 0] += 1
    }
    let schema = try TableSchema(
      parsing: "missingValues: [NA]\nfields:\n  - {name: i, type: integer}\n", path: "s")
    for profile in [try profile(text), try profile(text, schema: schema)] {
      #expect(profile.rows == 1000)
      let types = profile.columns.map(\.type)
      #expect(types.dropFirst() == [.number, .date, .datetime, .boolean, .string])
      #expect(profile.column(named: "n")?.numbers?.count == 1000)
      for name in ["d", "t", "b", "s"] {
        let column = try #require(profile.column(named: name))
        #expect((column.count, column.missing, column.invalid) == (1000 - short, short, 0))
      }
      #expect(profile.column(named: "b")?.values?.counts["true"] == trues)
      #expect(profile.column(named: "s")?.values?.counts == quoted)
    }
  }

  @Test func aSchemaGivesTheTypesAndInvalidCellsAreLeftOut() throws {
    let schema = try TableSchema(
      parsing: "fields:\n  - {name: a, type: integer}\n  - {name: b, type: date}\n", path: "s")
    let profile = try profile("a,b\n1,2024-01-01\nx,2024-02-30\n3,\n,2024-01-01\n", schema: schema)
    #expect(profile.types == "schema test")
    let a = try #require(profile.column(named: "a"))
    #expect((a.count, a.missing, a.invalid) == (3, 1, 1))
    #expect(a.numbers?.mean == 2)
    let b = try #require(profile.column(named: "b"))
    #expect(b.type == .date)
    #expect((b.count, b.missing, b.invalid) == (3, 1, 1))
    #expect(b.values?.counts == ["2024-01-01": 2])
  }

  @Test func valuesNearDoublesLimitsStillGiveAProfile() throws {
    let profile = try profile("x\n1e308\n-1e308\n1e308\n")
    let x = try #require(profile.column(named: "x")?.numbers)
    #expect(x.histogram.counts.reduce(0, +) == 3)
    #expect(x.quantile(0.5)?.isFinite == true)
    #expect(try TableProfile(json: profile.json, source: "stored").rows == 3)
  }

  @Test func aProfileThatIsNotOneIsRefusedNamingItsSource() {
    #expect(throws: QualityError.self) {
      try TableProfile(json: Array("{\"version\":1}".utf8), source: "sha256:abc")
    }
    #expect(throws: QualityError.self) {
      try TableProfile(json: Array("not json".utf8), source: "sha256:abc")
    }
  }
}
