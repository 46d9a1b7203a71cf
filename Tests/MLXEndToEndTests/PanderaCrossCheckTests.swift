import Foundation
import MLXTestSupport
import Testing

/// `mlx validate` against pandera (on pandas), on a corpus of schema-and-data cases under
/// `Fixtures/quality/`: quoting, line breaks inside quotes, CRLF, a byte order mark, missing
/// values, every type's forms, dates and datetimes, unicode lengths, each constraint, keys,
/// header mismatches, row counts, and JSON Lines (kinds, null and absent keys, extra keys,
/// lines that are no object). Both must give the same verdict and fail the same columns
/// (`*` for the table). pandera's schema is built from the same Table Schema by
/// `Tests/MLXTestSupport/pandera_validate.py`.
@Suite struct PanderaCrossCheckTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/quality")
  static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("MLXTestSupport/pandera_validate.py")

  static var cases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
  }

  @Test func theCorpusIsLargeEnough() {
    #expect(Self.cases.count >= 30)
  }

  @Test(arguments: cases)
  func agreesWithPandera(name: String) throws {
    let directory = Self.corpus.appendingPathComponent(name).path
    let data = try #require(
      try FileManager.default.contentsOfDirectory(atPath: directory).first {
        $0.hasPrefix("data.")
      })
    let mlx = try ProcessRunner.run(
      TestRepository.mlxExecutable, ["validate", data, "--schema", "schema.yaml", "--json"],
      in: directory)
    #expect(mlx.status == 0 || mlx.status == 1, "\(mlx)")
    let file = try #require((try mlx.json()["files"] as? [[String: Any]])?.first)
    var mlxFailed = Set<String>()
    for failure in file["failures"] as? [[String: Any]] ?? [] {
      let field = failure["field"] as? String ?? "*"
      mlxFailed.formUnion(field.split(separator: ",").map(String.init))
    }

    let python = try #require(ProcessRunner.which("python3"))
    let pandera = try ProcessRunner.run(
      python, [Self.reference.path, "schema.yaml", data], in: directory)
    #expect(pandera.succeeded, "pandas and pandera are installed by .ci/run: \(pandera)")
    let verdict = try pandera.json()
    let panderaFailed = Set(verdict["failed"] as? [String] ?? [])
    #expect(mlxFailed == panderaFailed, "\(name): mlx \(mlxFailed), pandera \(panderaFailed)")
    #expect((file["valid"] as? Bool) == (verdict["valid"] as? Bool))
  }
}
