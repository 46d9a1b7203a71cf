import Foundation
import MLXTestSupport
import Testing

/// `mlx features`, `mlx add --definition`, `mlx validate --features` and feature sets in
/// lineage, run as a user runs them.
@Suite struct FeaturesCommandTests {
  static let definitionV1 = """
    name: churn-features
    features:
      - name: tenure_days
        type: integer
        description: days since signup
        source: [signup_date]
        stage: featurize
        constraints: {minimum: 0, maximum: 3650}
      - name: plan
        type: string
        source: [plan]
        stage: featurize
        constraints: {required: true, enum: [free, pro, team]}

    """

  /// A repository with `data/churn.csv` added as a feature set with its definition, committed.
  private func featureRepository() throws -> TestRepository {
    let repo = try TestRepository()
    #expect(try repo.mlx("init").succeeded)
    try repo.write("tenure_days,plan\n10,free\n400,pro\n", to: "data/churn.csv")
    try repo.write(Self.definitionV1, to: "data/churn.features.yaml")
    let added = try repo.mlx(
      "add", "data/churn.csv", "--kind", "features", "--definition", "data/churn.features.yaml")
    #expect(added.succeeded, "\(added)")
    try repo.commitAll("features v1")
    return repo
  }

  private func register(_ repo: TestRepository, _ version: String, minute: Int) throws {
    let registered = try repo.mlx(
      ["register", "churn-features", "--path", "data/churn.csv", "--version", version],
      environment: ["GIT_COMMITTER_DATE": String(format: "2026-03-01T10:%02d:00Z", minute)])
    #expect(registered.succeeded, "\(registered)")
  }

  @Test func versionsAreListedShownAndDiffed() throws {
    let repo = try featureRepository()
    defer { repo.remove() }
    #expect(try repo.read("data/churn.csv.mlx").contains("features: churn.features.yaml\n"))
    let v1Digest = try repo.sha256sum("data/churn.csv")
    try register(repo, "v1.0.0", minute: 0)

    // Version 2: a new feature, a wider range, new data; a re-add keeps the definition.
    try repo.write(
      Self.definitionV1.replacingOccurrences(of: "maximum: 3650", with: "maximum: 7300")
        + "  - name: spend\n    type: number\n    source: [invoices]\n    stage: featurize\n",
      to: "data/churn.features.yaml")
    try repo.write("tenure_days,plan,spend\n10,free,0\n5000,team,99.5\n", to: "data/churn.csv")
    #expect(try repo.mlx("add", "data/churn.csv").succeeded)
    #expect(try repo.read("data/churn.csv.mlx").contains("features: churn.features.yaml\n"))
    try repo.commitAll("features v2")
    try register(repo, "v1.1.0", minute: 1)

    let list = try repo.mlx("features", "list", "--json")
    #expect(list.succeeded, "\(list)")
    let sets = try #require(
      try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(sets.count == 1)
    #expect(sets.first?["name"] as? String == "churn-features")
    #expect(sets.first?["feature_count"] as? Int == 3)
    #expect(
      sets.first?["versions"] as? [String] == ["churn-features@v1.0.0", "churn-features@v1.1.0"])
    let text = try repo.mlx("features", "list")
    #expect(
      text.stdout.contains("churn-features  data/churn.csv  3 features  churn-features@v1.0.0"))

    let shown = try repo.mlx("features", "show", "churn-features@v1.0.0", "--json").json()
    #expect(shown["version"] as? String == "churn-features@v1.0.0")
    #expect(shown["digest"] as? String == v1Digest)
    let features = try #require(shown["features"] as? [[String: Any]])
    #expect(features.map { $0["name"] as? String } == ["tenure_days", "plan"])
    #expect(features.first?["source"] as? [String] == ["signup_date"])
    let showText = try repo.mlx("features", "show", "churn-features@HEAD~1")
    #expect(showText.stdout.contains("constraints  minimum 0, maximum 3650"), "\(showText)")

    let diff = try repo.mlx("features", "diff", "churn-features@v1.0.0", "churn-features@v1.1.0")
    #expect(diff.status == 0, "\(diff)")
    #expect(diff.stdout.contains("data changed\n+ spend\n~ tenure_days\n"), "\(diff)")
    #expect(
      diff.stdout.contains(
        "constraints: minimum 0, maximum 3650 -> minimum 0, maximum 7300"))
    let json = try repo.mlx(
      "features", "diff", "data/churn.csv@HEAD~1", "churn-features", "--json"
    ).json()
    #expect(json["data_changed"] as? Bool == true)
    #expect(json["added"] as? [String] == ["spend"])
    #expect(json["removed"] as? [String] == [])
    let same = try repo.mlx("features", "diff", "churn-features@v1.1.0", "churn-features@HEAD")
    #expect(same.status == 0)
    #expect(same.stdout.contains("data unchanged\nfeatures unchanged\n"), "\(same)")
  }

  @Test func servingDataIsCheckedAgainstAVersion() throws {
    let repo = try featureRepository()
    defer { repo.remove() }
    try register(repo, "v1.0.0", minute: 0)
    func validate(_ csv: String) throws -> ProcessResult {
      try repo.write(csv, to: "serving.csv")
      return try repo.mlx("validate", "serving.csv", "--features", "churn-features@v1.0.0")
    }
    let good = try validate("tenure_days,plan\n3,team\n3650,free\n")
    #expect(good.succeeded, "\(good)")
    #expect(good.stdout.contains("serving.csv: 2 rows, valid (feature set churn-features@v1.0.0"))

    let missing = try validate("tenure_days\n3\n")
    #expect(missing.status == 1)
    #expect(missing.stdout.contains("plan: a column named 'plan'"), "\(missing)")
    #expect(
      missing.errorLines == ["mlx: serving.csv does not match feature set churn-features@v1.0.0"])
    let extra = try validate("tenure_days,plan,age\n3,team,40\n")
    #expect(extra.status == 1)
    #expect(extra.stdout.contains("age: column 3 is in no field"), "\(extra)")
    let wrongType = try validate("tenure_days,plan\n3,team\nabc,free\n")
    #expect(wrongType.status == 1)
    #expect(wrongType.stdout.contains("tenure_days: type integer: 1 row, e.g. row 2 \"abc\""))
    let outOfRange = try validate("tenure_days,plan\n3,team\n9,free\n4000,gold\n")
    #expect(outOfRange.status == 1)
    #expect(outOfRange.stdout.contains("tenure_days: maximum 3650: 1 row, e.g. row 3 \"4000\""))
    #expect(outOfRange.stdout.contains("plan: enum"), "\(outOfRange)")

    // With the training data profiled, a later version also checks its observed range
    // (tenure_days 10 to 400); the version without a profile does not.
    #expect(try repo.mlx("profile", "data/churn.csv").succeeded)
    try repo.commitAll("profile")
    try register(repo, "v1.1.0", minute: 1)
    try repo.write("tenure_days,plan\n3,team\n3650,free\n50,pro\n", to: "serving.csv")
    let observed = try repo.mlx("validate", "serving.csv", "--features", "churn-features@v1.1.0")
    #expect(observed.status == 1)
    #expect(
      observed.stdout.contains(
        "tenure_days: observed minimum 10 (training data): 1 row, e.g. row 1 \"3\""), "\(observed)")
    #expect(observed.stdout.contains("observed maximum 400 (training data): 1 row, e.g. row 2"))
    let json = try repo.mlx(
      "validate", "serving.csv", "--features", "churn-features@v1.1.0", "--json"
    ).json()
    let failures = (json["files"] as? [[String: Any]])?.first?["failures"] as? [[String: Any]]
    #expect(
      Set(failures?.compactMap { $0["check"] as? String } ?? [])
        == ["observed-minimum", "observed-maximum"])
    #expect(
      try repo.mlx("validate", "serving.csv", "--features", "churn-features@v1.0.0").succeeded)
  }

  @Test func lineageNamesTheFeatureSetVersionAModelUsed() throws {
    let repo = try featureRepository()
    defer { repo.remove() }
    try repo.write(
      """
      stages:
        train:
          cmd: mkdir -p models && cp data/churn.csv models/model.bin
          deps: [data/churn.csv]
          outs:
            - models/model.bin: {kind: model}

      """, to: "mlx.yaml")
    let run = try repo.mlx("run")
    #expect(run.succeeded, "\(run)")
    try repo.commitAll("train")
    let unregistered = try repo.mlx("lineage", "models/model.bin", "--json").json()
    let digest = try repo.sha256sum("data/churn.csv")
    #expect(featureSetField(unregistered)?.hasPrefix("churn-features (unregistered, ") == true)
    try register(repo, "v1.0.0", minute: 0)
    let graph = try repo.mlx("lineage", "models/model.bin", "--json").json()
    #expect(featureSetField(graph) == "churn-features@v1.0.0", "\(graph)")
    let text = try repo.mlx("lineage", "models/model.bin")
    #expect(text.stdout.contains("feature set churn-features@v1.0.0"), "\(text)")
    #expect(!digest.isEmpty)
  }

  private func featureSetField(_ graph: [String: Any]) -> String? {
    let nodes = graph["nodes"] as? [[String: Any]] ?? []
    let data = nodes.first { node in
      (node["fields"] as? [[String: String]])?.contains { $0["value"] == "data/churn.csv" } == true
    }
    return (data?["fields"] as? [[String: String]])?.first { $0["name"] == "feature set" }?["value"]
  }

  @Test(arguments: [
    (
      "name: x\nfeatures:\n  - name: a\n    type: integer\n    colour: red\n",
      "d.yaml:5: unknown key 'colour' in a feature"
    ),
    (
      "name: x\nfeatures:\n  - name: a\n    type: int\n",
      "d.yaml:4: feature 'a': unknown type 'int'"
    ),
    (
      "name: x\nfeatures:\n  - {name: a, type: string}\n  - {name: a, type: string}\n",
      "d.yaml:4: feature 'a' is listed twice"
    ),
    (
      "name: x\nfeatures:\n  - name: a\n    type: integer\n    constraints: {minimum: low}\n",
      "d.yaml:5: feature 'a': minimum 'low' is not a integer"
    ),
  ])
  func malformedDefinitionGetsOneLineNamingFileAndLine(text: String, message: String) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a\n1\n", to: "data/t.csv")
    try repo.write(text, to: "data/d.yaml")
    let added = try repo.mlx(
      "add", "data/t.csv", "--kind", "features", "--definition", "data/d.yaml")
    #expect(added.status != 0)
    #expect(added.errorLines.count == 1, "\(added)")
    #expect(added.stderr.contains("data/" + message), "\(added)")
    #expect(!repo.exists("data/t.csv.mlx"))
  }

  @Test func definitionPathsMayNotLeaveTheDataDirectory() throws {
    let repo = try featureRepository()
    defer { repo.remove() }
    try repo.write("a\n1\n", to: "other/t.csv")
    let outside = try repo.mlx(
      "add", "other/t.csv", "--kind", "features", "--definition", "data/churn.features.yaml")
    #expect(outside.status != 0)
    #expect(
      outside.stderr.contains("must be in other (the data's directory) or below"), "\(outside)")
    let notFeatures = try repo.mlx("add", "other/t.csv", "--definition", "other/t.csv")
    #expect(notFeatures.stderr.contains("add with --kind features"), "\(notFeatures)")
    // Features data without a definition is listed as such; show says how to record one.
    #expect(try repo.mlx("add", "other/t.csv", "--kind", "features").succeeded)
    let listed = try repo.mlx("features", "list")
    #expect(listed.stdout.contains("-  other/t.csv  no definition"), "\(listed)")
    let shown = try repo.mlx("features", "show", "other/t.csv")
    #expect(shown.stderr.contains("names no feature definition; record one with"), "\(shown)")
    // A pointer edited to name a file outside its directory is refused when read.
    let pointer = try repo.read("data/churn.csv.mlx")
    try repo.write(
      pointer.replacingOccurrences(
        of: "features: churn.features.yaml", with: "features: ../.git/config"),
      to: "data/churn.csv.mlx")
    let list = try repo.mlx("features", "list")
    #expect(list.status != 0)
    #expect(list.errorLines.count == 1)
    #expect(
      list.stderr.contains("data/churn.csv.mlx:6: features '../.git/config' must stay inside"))
  }
}
