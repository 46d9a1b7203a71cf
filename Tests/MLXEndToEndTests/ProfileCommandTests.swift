import Foundation
import MLXTestSupport
import Testing

/// `mlx profile`, run as a user runs it: statistics checked against numpy's exact ones
/// (`Tests/MLXTestSupport/profile_reference.py`), profiles stored and reused by the data's
/// digest, recorded in pointers and kept only while the content is the same.
@Suite struct ProfileCommandTests {
  static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("MLXTestSupport/profile_reference.py")

  /// `rows` rows: an id, a normal and a skewed number with missing cells, small integers
  /// with NA, a city and a date.
  static func table(rows: Int, seed: UInt64) -> String {
    var generator = SeededGenerator(state: seed)
    var lines = ["id,normal,skewed,small,city,day"]
    lines.reserveCapacity(rows + 1)
    let cities = ["Oslo", "Lima", "Pune", "Kyiv", "\"Rio, BR\""]
    for row in 1...rows {
      let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
      let v = Double.random(in: 0..<1, using: &generator)
      let normal = 50 + 10 * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
      let skewed = pow(-log(Double.random(in: Double.ulpOfOne..<1, using: &generator)), 3)
      let small = Int.random(in: 0..<10, using: &generator)
      let city = cities[Int.random(in: 0..<(row % 7 == 0 ? 5 : 3), using: &generator)]
      lines.append(
        [
          "\(row)",
          row % 97 == 0 ? "" : String(format: "%.6f", normal),
          row % 101 == 0 ? "NA" : String(format: "%.9g", skewed),
          row % 89 == 0 ? "NA" : "\(small)",
          city,
          "2024-\(String(format: "%02d", row % 12 + 1))-\(String(format: "%02d", row % 28 + 1))",
        ].joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Profiles `file` with `mlx profile --json` and checks every statistic against numpy's.
  func crossCheck(_ repo: TestRepository, _ file: String, exact: Bool) throws {
    let result = try repo.mlx("profile", file, "--json")
    #expect(result.succeeded, "\(result)")
    try repo.write(result.stdout, to: "profile.json")
    let python = try #require(ProcessRunner.which("python3"))
    let numpy = try ProcessRunner.run(
      python, [Self.reference.path, file, "profile.json"], in: repo.path)
    #expect(numpy.succeeded, "numpy and pandas are installed by .ci/run: \(numpy)")
    let expected = try numpy.json()
    let profile = try #require(
      ((try result.json()["profiles"] as? [[String: Any]])?.first?["profile"]) as? [String: Any])
    let columns = try #require(profile["columns"] as? [[String: Any]])
    #expect(
      columns.map { $0["name"] as? String } == ["id", "normal", "skewed", "small", "city", "day"])
    #expect(
      columns.map { $0["type"] as? String } == [
        "integer", "number", "number", "integer", "string", "date",
      ])
    for column in columns {
      let name = try #require(column["name"] as? String)
      let reference = try #require(expected[name] as? [String: Any])
      #expect(column["count"] as? Int == reference["count"] as? Int, "\(name)")
      #expect(column["missing"] as? Int == reference["missing"] as? Int, "\(name)")
      let distinct = try #require(reference["distinct"] as? Int)
      let estimate = try #require(column["distinct"] as? Int)
      // Three standard errors of the HyperLogLog (1.04/√4096).
      #expect(abs(Double(estimate - distinct)) <= 3 * 0.01625 * Double(distinct) + 1, "\(name)")
      guard let numbers = column["numbers"] as? [String: Any] else {
        #expect(["city", "day"].contains(name))
        continue
      }
      for key in ["min", "max", "mean", "std"] {
        let mine = try #require(numbers[key] as? Double)
        let theirs = try #require(reference[key] as? Double)
        #expect(
          abs(mine - theirs) <= 1e-9 * max(1, abs(theirs)), "\(name) \(key): \(mine) vs \(theirs)")
      }
      let sketch = try #require(numbers["sketch"] as? [String: Any])
      // Exact quantiles interpolate between neighbours (numpy's linear method): their rank
      // is within one value of the rank asked for; they are compared with numpy's below.
      let count = try #require(numbers["count"] as? Int)
      let bound = exact ? 1 / Double(count) : 0.015
      for quantile in try #require(reference["quantiles"] as? [[String: Any]]) {
        let error = try #require(quantile["rank_error"] as? Double)
        #expect(error <= bound, "\(name) q=\(quantile["q"] ?? "?"): rank error \(error)")
      }
      if exact {
        let mine = try #require(numbers["quantiles"] as? [[String: Any]]).compactMap {
          $0["value"] as? Double
        }
        let theirs = try #require(reference["quantiles"] as? [[String: Any]]).compactMap {
          $0["exact"] as? Double
        }
        for (a, b) in zip(mine, theirs) {
          #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(name): \(a) vs numpy \(b)")
        }
        #expect((sketch["levels"] as? [[Double]])?.count == 1)
      }
    }
    let city = try #require(columns.first { $0["name"] as? String == "city" })
    let values = try #require(city["values"] as? [String: Any])
    #expect(values["exact"] as? Bool == true)
    let top = try #require(values["top"] as? [[String: Any]])
    #expect(
      Set(top.compactMap { $0["value"] as? String }) == ["Oslo", "Lima", "Pune", "Kyiv", "Rio, BR"])
  }

  @Test func largeFileStatisticsAgreeWithNumpy() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write(Self.table(rows: 200_000, seed: 42), to: "big.csv")
    try crossCheck(repo, "big.csv", exact: false)
  }

  @Test func smallFileQuantilesAreNumpysExactly() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write(Self.table(rows: 3_000, seed: 9), to: "small.csv")
    try crossCheck(repo, "small.csv", exact: true)
  }

  @Test func theProfileIsRecordedKeptAndDroppedWithTheContent() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write(Self.table(rows: 500, seed: 1), to: "data/train.csv")
    #expect(try repo.mlx("add", "data/train.csv").succeeded)
    let first = try repo.mlx("profile", "data/train.csv")
    #expect(first.succeeded, "\(first)")
    #expect(first.stdout.contains("data/train.csv: 500 rows, 6 columns (new profile"), "\(first)")
    #expect(first.stdout.contains("recorded in data/train.csv.mlx"))
    let pointer = try repo.read("data/train.csv.mlx")
    let line = try #require(
      pointer.split(separator: "\n").last { $0.hasPrefix("profile: sha256:") })
    #expect(pointer.hasSuffix(line + "\n"), "profile is the last key: \(pointer)")
    #expect(try repo.git("diff", "--cached", "--name-only").contains("data/train.csv.mlx"))

    // Again: the stored profile, nothing read; the same object.
    let again = try repo.mlx("profile", "data/train.csv", "--json")
    let result = try #require((try again.json()["profiles"] as? [[String: Any]])?.first)
    #expect(result["reused"] as? Bool == true)
    #expect("profile: " + (result["object"] as? String ?? "") == line)
    let digest = try repo.sha256sum("data/train.csv")
    #expect((result["profile"] as? [String: Any])?["digest"] as? String == digest)

    // Re-adding the same content keeps it; new content drops it.
    #expect(try repo.mlx("add", "data/train.csv").succeeded)
    #expect(try repo.read("data/train.csv.mlx") == pointer)
    try repo.commitAll("data")
    let committed = try repo.mlx("profile", "--rev", "HEAD", "data/train.csv", "--json")
    #expect(committed.succeeded, "\(committed)")
    #expect(
      ((try committed.json()["profiles"] as? [[String: Any]])?.first?["object"] as? String).map {
        "profile: " + $0
      } == line)
    try repo.write(Self.table(rows: 600, seed: 2), to: "data/train.csv")
    #expect(try repo.mlx("add", "data/train.csv").succeeded)
    #expect(!(try repo.read("data/train.csv.mlx")).contains("profile:"))
  }

  @Test func aProfileOfTheOldRevisionIsComputedFromTheStore() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a,b\n1,x\n2,y\n3,x\n", to: "t.csv")
    #expect(try repo.mlx("add", "t.csv").succeeded)
    try repo.commitAll("v1")
    try repo.write("a,b\n10,z\n", to: "t.csv")
    #expect(try repo.mlx("add", "t.csv").succeeded)
    try repo.commitAll("v2")
    let old = try repo.mlx("profile", "--rev", "HEAD~1", "t.csv", "--json")
    #expect(old.succeeded, "\(old)")
    let profile = try #require(
      (try old.json()["profiles"] as? [[String: Any]])?.first?["profile"] as? [String: Any])
    #expect(profile["rows"] as? Int == 3)
    let column = try #require((profile["columns"] as? [[String: Any]])?.first)
    #expect((column["numbers"] as? [String: Any])?["mean"] as? Double == 2)
  }

  @Test func theProfileTravelsWithTheDataAndSurvivesGC() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    #expect(try repo.mlx("init").succeeded)
    #expect(try repo.mlx("remote", "add", "--default", "shared", remote.path).succeeded)
    try repo.write(Self.table(rows: 300, seed: 4), to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    #expect(try repo.mlx("profile", "data.csv").succeeded)
    try repo.commitAll("profiled")
    let gc = try repo.mlx("gc", "--grace", "0")
    #expect(gc.succeeded, "\(gc)")
    let kept = try repo.mlx("profile", "--rev", "HEAD", "data.csv", "--json")
    #expect((try kept.json()["profiles"] as? [[String: Any]])?.first?["reused"] as? Bool == true)
    #expect(try repo.mlx("push").succeeded)

    // A clone gets the profile with the data: nothing is computed there.
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull").succeeded)
    let pulled = try clone.mlx("profile", "--rev", "HEAD", "data.csv", "--json")
    #expect(pulled.succeeded, "\(pulled)")
    let result = try #require((try pulled.json()["profiles"] as? [[String: Any]])?.first)
    #expect(result["reused"] as? Bool == true)
    #expect(result["pointer"] as? String == "HEAD:data.csv.mlx")
  }

  /// A header naming a column twice is refused by profile, drift and schema infer alike:
  /// statistics by column name would mix the two (a file would drift from itself).
  @Test func aHeaderNamingAColumnTwiceIsRefused() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a,b,a\n1,2,30\n4,5,60\n", to: "dup.csv")
    let message =
      "dup.csv: names column 'a' twice in its header (columns 1 and 3); rename one"
    for arguments in [
      ["profile", "dup.csv"], ["drift", "dup.csv", "dup.csv"], ["schema", "infer", "dup.csv"],
    ] {
      let result = try repo.mlx(arguments)
      #expect(result.status == 1, "\(arguments): \(result)")
      #expect(result.stderr.hasSuffix(message + "\n"), "\(arguments): \(result)")
      #expect(result.errorLines.count == 1, "\(arguments): \(result)")
    }
  }

  /// A committed pointer naming a forged profile (another file's statistics, relabelled with
  /// this data's digest): where the data is here, the profile is derived again and compared,
  /// so drift and profile refuse the forgery instead of reporting its numbers.
  @Test func aForgedProfileIsFoundOutWhereTheDataIsHere() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write(Self.table(rows: 300, seed: 1), to: "a.csv")
    try repo.write(Self.table(rows: 500, seed: 2), to: "b.csv")
    #expect(try repo.mlx("add", "a.csv", "b.csv").succeeded)
    let other = try #require(
      (try repo.mlx("profile", "b.csv", "--json").json()["profiles"] as? [[String: Any]])?
        .first?["profile"] as? [String: Any])
    // `--json` prints snake_case keys; the stored object has the type's own (camelCase).
    func camel(_ value: Any) -> Any {
      if let list = value as? [Any] { return list.map(camel) }
      guard let object = value as? [String: Any] else { return value }
      return Dictionary(
        uniqueKeysWithValues: object.map { key, value in
          let parts = key.split(separator: "_")
          let name = parts.enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
          return (name, camel(value))
        })
    }
    var forged = try #require(camel(other) as? [String: Any])
    forged["digest"] = try repo.sha256sum("a.csv")
    try repo.write(
      Data(try JSONSerialization.data(withJSONObject: forged, options: [.sortedKeys])),
      to: "forged.json")
    #expect(try repo.mlx("add", "forged.json").succeeded)
    let pointer = try repo.read("a.csv.mlx")
    try repo.write(
      pointer + "profile: \(try repo.sha256sum("forged.json"))\n", to: "a.csv.mlx")
    try repo.commitAll("a pointer naming a forged profile")

    let drift = try repo.mlx("drift", "a.csv@HEAD", "a.csv")
    #expect(drift.status == 1, "\(drift)")
    #expect(drift.stderr.contains("HEAD:a.csv.mlx: its profile sha256:"), "\(drift)")
    #expect(drift.stderr.contains("does not describe the data (profiled here: "), "\(drift)")
  }

  /// A record whose quoting is broken makes its fields unknown: profile, drift and schema
  /// infer refuse the file, naming the first such row counted across pieces.
  @Test func brokenQuotingIsRefusedNamingTheRow() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    // 200,000 rows (several pieces, read on all cores), the broken one far from the first.
    var lines = ["a,b"]
    for row in 1...200_000 { lines.append(row == 150_000 ? "\(row),\"x\"y" : "\(row),\(row % 7)") }
    try repo.write(lines.joined(separator: "\n") + "\n", to: "big.csv")
    let message =
      "big.csv: row 150000 has a quote that is not closed, or text after a closing quote "
      + "(RFC 4180), so its fields are unknown; fix the file (`mlx validate` lists every such row)"
    for arguments in [
      ["profile", "big.csv"], ["drift", "big.csv", "big.csv"], ["schema", "infer", "big.csv"],
    ] {
      let result = try repo.mlx(arguments)
      #expect(result.status == 1, "\(arguments): \(result)")
      #expect(result.stderr.hasSuffix(message + "\n"), "\(arguments): \(result)")
    }
  }

  @Test func aPointerNamingAProfileOfOtherDataIsRefused() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a\n1\n2\n", to: "one.csv")
    try repo.write("a\n3\n", to: "two.csv")
    #expect(try repo.mlx("add", "one.csv", "two.csv").succeeded)
    #expect(try repo.mlx("profile", "one.csv").succeeded)
    let stolen = try #require(
      try repo.read("one.csv.mlx").split(separator: "\n").first { $0.hasPrefix("profile:") })
    try repo.write(try repo.read("two.csv.mlx") + stolen + "\n", to: "two.csv.mlx")
    try repo.commitAll("lie")
    let refused = try repo.mlx("profile", "--rev", "HEAD", "two.csv")
    #expect(refused.status != 0)
    #expect(refused.errorLines.count == 1, "\(refused)")
    #expect(refused.stderr.contains("HEAD:two.csv.mlx"), "\(refused)")
    #expect(refused.stderr.contains("is of other data"), "\(refused)")
    // No `git checkout -- HEAD:…` advice: a commit's pointer is not restored that way.
    #expect(!refused.stderr.contains("git checkout"), "\(refused)")
    #expect(refused.stderr.contains("check the file out at that revision"), "\(refused)")
  }

  @Test(arguments: [
    (["profile", "nowhere.csv"], "Error: nowhere.csv: no such file or directory"),
    (["profile", "t.json"], "Error: t.json is not a .csv or .tsv file"),
    (["profile", "empty.csv"], "Error: empty.csv: has no header row"),
    (["profile", "t.csv", "--schema", "missing.yaml"], "Error: missing.yaml: no such schema file"),
    (
      ["profile", "--rev", "HEAD", "bad.csv"],
      "Error: HEAD:bad.csv.mlx:6: profile 'sha256:xyz' is not"
    ),
  ])
  func badInputGetsAOneLineError(arguments: [String], message: String) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a\n1\n", to: "t.csv")
    try repo.write("{}\n", to: "t.json")
    try repo.write("", to: "empty.csv")
    try repo.write("a\n2\n", to: "bad.csv")
    #expect(try repo.mlx("add", "bad.csv").succeeded)
    try repo.write(try repo.read("bad.csv.mlx") + "profile: sha256:xyz\n", to: "bad.csv.mlx")
    try repo.commitAll("bad pointer")
    let result = try repo.mlx(arguments)
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1, "\(result)")
    #expect(result.stderr.hasPrefix(message), "\(result)")
  }
}
