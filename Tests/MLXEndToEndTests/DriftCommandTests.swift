import Foundation
import MLXTestSupport
import Testing

/// `mlx drift`, run as a user runs it: a file against itself, against a shifted copy, a
/// tracked file against an earlier commit of it, thresholds from the policy, bad input; and
/// the statistics it prints checked against scipy and evidently
/// (`Tests/MLXTestSupport/drift_reference.py`) through `--json`.
@Suite struct DriftCommandTests {
  static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("MLXTestSupport/drift_reference.py")

  /// `rows` rows: an age (integers 18–79), an income (normal, shifted by `shift` standard
  /// deviations), a small score (0–15, ties) and a city (more of the last cities when
  /// `cityShift`).
  static func table(rows: Int, seed: UInt64, shift: Double = 0, cityShift: Bool = false)
    -> String
  {
    var generator = SeededGenerator(state: seed)
    var lines = ["age,income,score,city"]
    let cities = ["Oslo", "Lima", "Pune", "Kyiv"]
    for _ in 0..<rows {
      let age = Int.random(in: 18..<80, using: &generator)
      let income = 50_000 + 9_000 * (generator.normal() + shift)
      let score = min(max(Int((generator.normal() * 3 + 8).rounded()), 0), 15)
      let pick = Int.random(in: 0..<(cityShift ? 6 : 4), using: &generator)
      lines.append("\(age),\(income),\(score),\(cities[min(pick, 3)])")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func repository() throws -> TestRepository {
    let repo = try TestRepository()
    #expect(try repo.mlx("init").succeeded)
    return repo
  }

  @Test func aFileAgainstItselfDoesNotDrift() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 500, seed: 1), to: "data.csv")
    let result = try repo.mlx("drift", "data.csv", "data.csv")
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("0 of 4 columns drifted"))
    let json = try repo.mlx("drift", "data.csv", "data.csv", "--json").json()
    #expect(json["drifted"] as? Bool == false)
    let columns = try #require(json["columns"] as? [[String: Any]])
    #expect(columns.map { $0["name"] as? String } == ["age", "income", "score", "city"])
    let income = try #require(columns[1]["ks"] as? [String: Any])
    #expect(income["statistic"] as? Double == 0 && income["p_value"] as? Double == 1)
    #expect(try repo.mlx("drift", "data.csv", "data.csv", "-q").stdout.isEmpty)

    // --schema gives plain files' types: a score read as text is compared as categories.
    try repo.write(
      "fields:\n  - {name: age, type: integer}\n  - {name: income, type: number}\n"
        + "  - {name: score, type: string}\n  - {name: city, type: string}\n", to: "s.yaml")
    let typed = try repo.mlx("drift", "data.csv", "data.csv", "--schema", "s.yaml", "--json")
    #expect(typed.status == 0, "\(typed)")
    let typedColumns = try #require(try typed.json()["columns"] as? [[String: Any]])
    #expect(
      typedColumns.map { $0["kind"] as? String } == [
        "numeric", "numeric", "categorical", "categorical",
      ])
  }

  @Test func aShiftedCopyDriftsAndExitsOneNamingTheColumn() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 800, seed: 2), to: "data.csv")
    try repo.write(Self.table(rows: 700, seed: 3, shift: 0.8), to: "batch.csv")
    let result = try repo.mlx("drift", "data.csv", "batch.csv")
    #expect(result.status == 1, "\(result)")
    #expect(result.stderr == "mlx: drift beyond the thresholds in income\n")
    #expect(result.stdout.contains("1 of 4 columns drifted"))
    #expect(result.stdout.contains("income: ks p-value"))
    let json = try repo.mlx("drift", "data.csv", "batch.csv", "--json")
    #expect(json.status == 1)
    let columns = try #require(try json.json()["columns"] as? [[String: Any]])
    #expect(
      columns.filter { $0["drifted"] as? Bool == true }.map { $0["name"] as? String } == ["income"])

    try repo.write(Self.table(rows: 700, seed: 3, cityShift: true), to: "cities.csv")
    let cities = try repo.mlx("drift", "data.csv", "cities.csv")
    #expect(cities.status == 1 && cities.stderr.contains("in city"), "\(cities)")
  }

  @Test func theDriftReportDrawsBothSidesOfEveryColumnInABrowser() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 800, seed: 2), to: "data.csv")
    try repo.write(Self.table(rows: 700, seed: 3, shift: 0.8), to: "batch.csv")
    let result = try repo.mlx("report", "drift", "data.csv", "batch.csv", "-o", "drift.html")
    // The page is written, and the exit status is mlx drift's: income drifted.
    #expect(result.status == 1, "\(result)")
    #expect(result.stdout == "Wrote drift.html: 4 column(s) compared, 1 drifted\n")
    #expect(result.stderr == "mlx: drift beyond the thresholds in income\n")
    let html = try String(contentsOfFile: repo.path + "/drift.html", encoding: .utf8)
    #expect(html.contains("1 of 4 column(s) drifted"))
    #expect(html.contains("ks_p_value") && html.contains("psi") && html.contains("js_distance"))
    let outcome = try BrowserCheck.check(repo.path + "/drift.html", expecting: ["histogram": 4])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.charts.allSatisfy { $0.kind == "histogram" && $0.titled && $0.marks > 0 })

    // The same data on both sides: nothing drifted, exit 0; a side that cannot be read is
    // one line and no page.
    let same = try repo.mlx("report", "drift", "data.csv", "data.csv", "-o", "same.html", "-q")
    #expect(same.status == 0 && same.stdout.isEmpty, "\(same)")
    let missing = try repo.mlx("report", "drift", "data.csv", "nothing.csv", "-o", "none.html")
    #expect(missing.status == 1 && missing.stderr.contains("nothing.csv"), "\(missing)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/none.html"))
  }

  @Test func aTrackedFileAgainstAnEarlierCommit() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 600, seed: 4), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    try repo.commitAll("first batch")
    try repo.write(Self.table(rows: 650, seed: 5, shift: 1), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    try repo.commitAll("second batch")

    let result = try repo.mlx("drift", "data.csv@HEAD~1", "data.csv", "--json")
    #expect(result.status == 1, "\(result)")
    let json = try result.json()
    let baseline = try #require(json["baseline"] as? [String: Any])
    #expect(baseline["revision"] as? String == "HEAD~1" && baseline["rows"] as? Int == 600)
    #expect((json["current"] as? [String: Any])?["rows"] as? Int == 650)
    #expect(try repo.mlx("drift", "data.csv@HEAD~1", "data.csv@HEAD~1").status == 0)
    #expect(try repo.mlx("drift", "data.csv@HEAD", "data.csv").status == 0)

    let missing = try repo.mlx("drift", "data.csv@", "data.csv")
    #expect(missing.status != 0 && missing.stderr.contains("names no revision after '@'"))
    let untracked = try repo.mlx("drift", "nothing.csv@HEAD", "data.csv")
    #expect(untracked.status != 0 && untracked.stderr.contains("nothing.csv"), "\(untracked)")

    // A clone that fetched only what its work tree needs: the fix names the revision.
    try FileManager.default.removeItem(atPath: repo.directory(".mlx/cache"))
    let absent = try repo.mlx("drift", "data.csv@HEAD~1", "data.csv")
    #expect(absent.status == 1)
    #expect(
      absent.stderr.hasSuffix(
        "is not in the store; fetch it with `mlx fetch --rev HEAD~1 data.csv`\n"), "\(absent)")
  }

  /// `NAME#STAGE`: the CSV the stage that wrote the model read, in mlx.lock at the commit
  /// the version was registered at.
  @Test func aRegistryStageAgainstNewData() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 700, seed: 9), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    try repo.write(
      "stages:\n  train:\n    cmd: cp data.csv model.txt\n    deps: [data.csv]\n"
        + "    outs: [model.txt]\n", to: "mlx.yaml")
    try repo.commitAll("data and pipeline")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("trained")
    let trained = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try repo.mlx("register", "churn", "--path", "model.txt").succeeded)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    try repo.write(Self.table(rows: 700, seed: 10, shift: 1), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    try repo.commitAll("new batch")

    let result = try repo.mlx("drift", "churn#staging", "data.csv", "--json")
    #expect(result.status == 1, "\(result)")
    let baseline = try #require(try result.json()["baseline"] as? [String: Any])
    #expect(baseline["path"] as? String == "data.csv")
    #expect(baseline["revision"] as? String == trained)
    #expect(baseline["version"] as? String == "v0.0.1")
    #expect(try repo.mlx("drift", "churn#staging", "data.csv@HEAD~1").status == 0)
    let unheld = try repo.mlx("drift", "churn#production", "data.csv")
    #expect(unheld.status != 0 && unheld.stderr.contains("production"), "\(unheld)")
  }

  @Test func thresholdsComeFromThePolicy() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 800, seed: 6), to: "data.csv")
    try repo.write(Self.table(rows: 800, seed: 7, shift: 0.8), to: "batch.csv")
    try repo.write(
      "version: 1\ndrift:\n  columns:\n    income: {ignore: true}\n", to: ".mlx/policy.yaml")
    let ignored = try repo.mlx("drift", "data.csv", "batch.csv", "--json")
    #expect(ignored.status == 0, "\(ignored)")
    #expect(try ignored.json()["ignored"] as? [String] == ["income"])

    try repo.write(
      "version: 1\ndrift:\n  psi: 100\n  columns:\n    income: {ks_pvalue: 0}\n",
      to: ".mlx/policy.yaml")
    #expect(try repo.mlx("drift", "data.csv", "batch.csv").status == 0)
    try repo.write("version: 1\ndrift:\n  psi: high\n", to: ".mlx/policy.yaml")
    let bad = try repo.mlx("drift", "data.csv", "batch.csv")
    #expect(bad.status != 0)
    #expect(bad.stderr.contains(".mlx/policy.yaml:3: 'psi' of drift must be a number"), "\(bad)")
  }

  @Test func unreadableSidesAreNamed() throws {
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: 20, seed: 8), to: "data.csv")
    let absent = try repo.mlx("drift", "data.csv", "absent.csv")
    #expect(absent.status != 0 && absent.stderr.contains("absent.csv"), "\(absent)")
    try repo.write("a,b\n1,2\n", to: "notes.txt")
    let text = try repo.mlx("drift", "data.csv", "notes.txt")
    #expect(text.status != 0 && text.stderr.contains("notes.txt is not a .csv or .tsv file"))
  }

  /// The statistics `mlx drift --json` prints against scipy's and evidently's: exact while
  /// both sides hold at most 4,096 values, or a column at most 1,000 distinct values; from
  /// sketches beyond, the KS statistic within the error bound the report gives, and the
  /// p-value the verdict uses no smaller than scipy's.
  @Test(arguments: [(40, 55, 0.3), (900, 1100, 0.1), (4000, 3500, 0.05), (12_000, 9_000, 0.05)])
  func agreesWithScipyAndEvidentlyThroughTheBinary(sizes: (Int, Int, Double)) throws {
    let (n1, n2, shift) = sizes
    let repo = try Self.repository()
    defer { repo.remove() }
    try repo.write(Self.table(rows: n1, seed: UInt64(n1)), to: "a.csv")
    try repo.write(
      Self.table(rows: n2, seed: UInt64(n2) + 1, shift: shift, cityShift: n2 % 2 == 0),
      to: "b.csv")
    let result = try repo.mlx("drift", "a.csv", "b.csv", "--json")
    #expect(result.status == 0 || result.status == 1, "\(result)")
    let columns = try #require(try result.json()["columns"] as? [[String: Any]])
    let python = try #require(ProcessRunner.which("python3"))
    let output = try ProcessRunner.run(
      python, [Self.reference.path, "a.csv", "b.csv"], in: repo.path)
    try #require(output.succeeded, "scipy and evidently are installed by .ci/run: \(output)")
    let expected = try #require((try output.json()["results"] as? [[String: Any]])?.first)
    let exact = max(n1, n2) <= 4096
    for column in columns {
      let name = try #require(column["name"] as? String)
      let reference = try #require(expected[name] as? [String: Any])
      let label = "\(n1)×\(n2) \(name)"
      if let ks = column["ks"] as? [String: Any] {
        let statistic = try #require(ks["statistic"] as? Double)
        let scipyStatistic = try #require(reference["ks_statistic"] as? Double)
        let p = try #require(ks["p_value"] as? Double)
        let scipyP = try #require(reference["ks_pvalue"] as? Double)
        if ks["exact_values"] as? Bool == true {
          #expect(
            abs(statistic - scipyStatistic) <= 1e-9, "\(label): D \(statistic) vs \(scipyStatistic)"
          )
          #expect(abs(p - scipyP) <= 1e-6, "\(label): p \(p) vs \(scipyP)")
          let psi = try #require(column["psi"] as? Double)
          let evidentlyPSI = try #require(reference["psi"] as? Double)
          #expect(abs(psi - evidentlyPSI) <= 1e-9, "\(label): PSI \(psi) vs \(evidentlyPSI)")
        } else {
          // Only the income column, beyond 4,096 values: age and score have few distinct
          // values, counted exactly.
          #expect(!exact && name == "income")
          let bound = try #require(ks["error_bound"] as? Double)
          #expect(bound > 0)
          #expect(
            abs(statistic - scipyStatistic) <= bound,
            "\(label): D \(statistic) vs \(scipyStatistic) ± \(bound)")
          let conservative = try #require(ks["conservative_p_value"] as? Double)
          #expect(conservative >= scipyP, "\(label): p at D − bound \(conservative) vs \(scipyP)")
        }
      } else {
        let chi = try #require(column["chi_square"] as? [String: Any])
        let p = try #require(chi["p_value"] as? Double)
        let evidentlyP = try #require(reference["chi2_pvalue"] as? Double)
        #expect(abs(p - evidentlyP) <= 1e-9, "\(label): chi-square p \(p) vs \(evidentlyP)")
        let js = try #require(column["js"] as? Double)
        let evidentlyJS = try #require(reference["js"] as? Double)
        #expect(abs(js - evidentlyJS) <= 1e-9, "\(label): JS \(js) vs \(evidentlyJS)")
      }
    }
  }
}
