import Foundation
import MLXTestSupport
import Testing

/// `mlx report runs` and `mlx audit report --html`: each page is opened in headless chromium,
/// which must log nothing and find every chart drawn.
@Suite struct ReportCommandTests {
  /// A one-stage pipeline run three times (lr 0.1, 0.2, 0.3) whose first and third states
  /// are committed and registered as v0.0.1 and v0.0.2 of `model`; v0.0.2 is in dev.
  private func threeRunsTwoVersions() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.git("config", "user.name", "Ada Lovelace")
    try repo.git("config", "user.email", "ada@example.com")
    try repo.mlx("init")
    try repo.write("x\n", to: "data.txt")
    try repo.write("train:\n  lr: 0.1\n", to: "params.yaml")
    try repo.write(
      """
      stages:
        train:
          cmd: |
            echo "model $MLX_PARAM_TRAIN_LR" > model.bin && printf '{"acc": %s, "loss": 1.5, "name": "m"}' "$MLX_PARAM_TRAIN_LR" > metrics.json
          deps: [data.txt]
          params: [train.lr]
          outs:
            - model.bin: {kind: model}
          metrics: [metrics.json]
      """, to: "mlx.yaml")
    try repo.git("add", "-A")
    try repo.git("commit", "-qm", "pipeline")
    for (index, lr) in ["0.1", "0.2", "0.3"].enumerated() {
      try repo.write("train:\n  lr: \(lr)\n", to: "params.yaml")
      let run = try repo.mlx("run")
      guard run.succeeded else { throw TestFailure("run: \(run)") }
      guard index != 1 else { continue }
      try repo.git("add", "-A")
      try repo.git("commit", "-qm", "lr \(lr)")
      let registered = try repo.mlx("register", "model", "--path", "model.bin")
      guard registered.succeeded else { throw TestFailure("register: \(registered)") }
    }
    let promoted = try repo.mlx("promote", "model@v0.0.2", "--to", "dev")
    guard promoted.succeeded else { throw TestFailure("promote: \(promoted)") }
    return repo
  }

  @Test func runsReportChartsEveryMetricAcrossRunsAndVersions() throws {
    let repo = try threeRunsTwoVersions()
    defer { repo.remove() }
    let result = try repo.mlx("report", "runs")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout == "Wrote mlx-runs.html: 3 run(s), 2 version(s), 2 metric(s)\n")
    let html = try repo.read("mlx-runs.html")
    // Runs oldest first; a metric that is not a number (name) is not charted.
    let first = try #require(html.range(of: "<td>0.1</td>"))
    let third = try #require(html.range(of: "<td>0.3</td>"))
    #expect(first.lowerBound < third.lowerBound)
    #expect(html.contains("acc by run") && html.contains("loss by run"))
    #expect(html.contains("model: acc by version"))
    #expect(!html.contains(">name<"))
    #expect(html.contains("<b>dev</b>"), "the version in dev is marked")
    let outcome = try BrowserCheck.check(repo.path + "/mlx-runs.html", expecting: ["line": 4])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    // Three runs and two versions: 3 + 3 + 2 + 2 points.
    #expect(outcome.charts.map(\.marks) == [3, 3, 2, 2], "\(outcome.charts)")

    let narrowed = try repo.mlx("report", "runs", "--metric", "acc", "-o", "out/acc.html", "-q")
    #expect(narrowed.status == 1, "out/ does not exist: \(narrowed)")
    try repo.write("", to: "out/.keep")
    #expect(
      try repo.mlx("report", "runs", "--metric", "acc", "-o", "out/acc.html", "-q").stdout == "")
    let only = try repo.read("out/acc.html")
    #expect(only.contains("acc by run") && !only.contains("loss by run"))
    #expect(
      try BrowserCheck.check(repo.path + "/out/acc.html", expecting: ["line": 2]).problems.isEmpty)

    let unknown = try repo.mlx("report", "runs", "--metric", "f1")
    #expect(unknown.status == 1)
    #expect(
      unknown.stderr
        == "Error: no run or registered version records the metric f1; recorded metrics: acc, loss\n",
      "\(unknown)")
  }

  @Test func runsReportWithNothingRecordedStillOpens() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    let result = try repo.mlx("report", "runs", "--output", "empty.html")
    #expect(result.succeeded, "\(result)")
    let html = try repo.read("empty.html")
    #expect(html.contains("No runs recorded yet"))
    #expect(try BrowserCheck.check(repo.path + "/empty.html", expecting: [:]).problems.isEmpty)
  }
}

/// A two-stage pipeline with real runs; production needs Alice's signature, one approval and
/// `accuracy >= 0.9`. v0.0.1 and v0.0.2 both reach production (Bob approving each), then
/// production is rolled back to v0.0.1.
private struct AuditedRegistry {
  let repo: TestRepository
  let keys: TemporaryDirectory
  /// The model's digest as v0.0.1 holds it, and train.sh's.
  var firstModel = ""
  var script = ""

  init() throws {
    repo = try TestRepository()
    keys = try TemporaryDirectory(prefix: "mlx-keys")
    var allowed = ""
    for name in ["alice", "bob"] {
      let made = try ProcessRunner.run(
        ProcessRunner.which("ssh-keygen")!,
        ["-q", "-t", "ed25519", "-N", "", "-C", "\(name)@example.com", "-f", keys(name)],
        in: keys.path)
      guard made.succeeded else { throw TestFailure("ssh-keygen: \(made)") }
      let key = try keys.read("\(name).pub").split(separator: " ").prefix(2).joined(separator: " ")
      allowed += "\(name)@example.com namespaces=\"git\" \(key)\n"
    }
    try repo.git("config", "user.name", "Alice")
    try repo.git("config", "user.email", "alice@example.com")
    try repo.git("config", "gpg.format", "ssh")
    try repo.git("config", "user.signingkey", keys("alice"))
    try repo.mlx("init")
    try repo.write(allowed, to: ".mlx/allowed_signers")
    try repo.write(
      """
      version: 1
      artifacts:
        churn: {path: models/model.bin, type: model}
      stages:
        - name: staging
        - name: production
          after: staging
          signature: required
          signers: [alice@example.com]
          gates: ["accuracy >= 0.9"]
          approvals: {required: 1}

      """, to: ".mlx/policy.yaml")
    try repo.write("train:\n  lr: 0.1\n", to: "params.yaml")
    try repo.write(
      """
      mkdir -p models
      printf 'model lr=%s' "$MLX_PARAM_TRAIN_LR" > models/model.bin
      printf '{"accuracy": 0.95, "loss": %s}' "$MLX_PARAM_TRAIN_LR" > metrics.json

      """, to: "train.sh")
    try repo.write(
      """
      stages:
        prepare:
          cmd: mkdir -p data/prepared && cp data/raw.csv data/prepared/clean.csv
          deps: [data/raw.csv]
          outs:
            - data/prepared: {kind: dataset}
        train:
          cmd: sh train.sh
          deps: [train.sh, data/prepared]
          params: [train.lr]
          outs:
            - models/model.bin: {kind: model}
          metrics: [metrics.json]

      """, to: "mlx.yaml")
    try repo.write("id,label\n1,0\n2,1\n", to: "data/raw.csv")
    try repo.mlx("add", "data/raw.csv", "--kind", "dataset")
    try repo.commitAll("pipeline and raw data")
    script = try repo.sha256sum("train.sh")
    for lr in ["0.1", "0.2"] {
      try repo.write("train:\n  lr: \(lr)\n", to: "params.yaml")
      try check(repo.mlx("run"))
      if lr == "0.1" { firstModel = try repo.sha256sum("models/model.bin") }
      try repo.commitAll("model with lr \(lr)")
      try check(repo.mlx("promote", "churn", "--to", "staging"))
      let version = lr == "0.1" ? "v0.0.1" : "v0.0.2"
      try check(
        repo.mlx(
          ["approve", "churn@\(version)", "--stage", "production", "--key", keys("bob")],
          environment: ["GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"]))
      try check(repo.mlx("promote", "churn", "--to", "production"))
    }
    try check(repo.mlx("rollback", "churn#production"))
  }

  private func check(_ result: ProcessResult) throws {
    guard result.succeeded else { throw TestFailure("\(result)") }
  }

  func remove() {
    repo.remove()
    keys.remove()
  }
}

extension ReportCommandTests {
  @Test func auditReportShowsEachVersionForAnAuditor() throws {
    let fixture = try AuditedRegistry()
    defer { fixture.remove() }
    let repo = fixture.repo
    let result = try repo.mlx("audit", "report", "--html", "audit.html")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("(rollback)"), "\(result)")
    let html = try repo.read("audit.html")
    #expect(html.contains("No problems found."))
    // The policy in force, with its gate and approval rule.
    #expect(html.contains("<h2>Policy in force</h2>"))
    #expect(html.contains("<code>accuracy &gt;= 0.9</code>"))
    // The rollback is marked as one, once.
    #expect(html.components(separatedBy: "<span class=\"rollback\">rollback</span>").count == 2)
    // v0.0.1: its digest, producing run, metrics, training data, gates and Bob's approval.
    // Newest version first, as the registry lists them.
    let second = try #require(html.range(of: "<h3>churn v0.0.2</h3>"))
    let first = try #require(html.range(of: "<h3>churn v0.0.1</h3>"))
    #expect(second.upperBound < first.lowerBound)
    let v1 = String(html[first.upperBound...])
    #expect(v1.contains("<code>\(fixture.firstModel)</code>"), "\(v1)")
    #expect(v1.contains("<code>\(fixture.script)</code>"), "train.sh as training data")
    #expect(v1.contains("<code>data/prepared</code>"))
    #expect(v1.contains("accuracy = 0.95") && v1.contains("loss = 0.1"))
    #expect(v1.contains("Bob &lt;bob@example.com&gt;"))
    #expect(v1.contains("<span class=\"ok\">passed</span> accuracy = 0.95"))
    let runs = try repo.git("for-each-ref", "--format=%(refname:lstrip=3)", "refs/mlx/runs/")
      .split(separator: "\n").sorted()
    #expect(v1.contains("<code>\(runs[0])</code>"), "the producing run")
    #expect(v1.contains("data-chart=\"lineage\""))
    let outcome = try BrowserCheck.check(repo.path + "/audit.html", expecting: ["lineage": 2])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")

    let json = try repo.mlx("audit", "report", "--json").json()
    let artifact = try #require((json["artifacts"] as? [[String: Any]])?.first)
    let versions = try #require(artifact["versions"] as? [[String: Any]])
    #expect(versions.count == 2)
    let approvals = versions.compactMap { $0["approvals"] as? [[String: Any]] }
    #expect(approvals.allSatisfy { $0.count == 1 })
    #expect(
      (artifact["promotions"] as? [[String: Any]])?.filter { $0["rollback"] as? Bool == true }.count
        == 1)

    // An unsigned production tag made by hand fails several checks and breaks v0.0.1's
    // lineage: still one problem, one event.
    let commit = try repo.git("rev-list", "-n1", "churn@v0.0.1").trimmingCharacters(
      in: .whitespacesAndNewlines)
    try repo.git("tag", "-a", "--no-sign", "churn#production#99", "-m", "by hand", commit)
    let broken = try repo.mlx("audit", "report", "--html", "audit.html", "--json")
    #expect(broken.status == 1)
    let brokenJSON = try broken.json()
    #expect(brokenJSON["problems"] as? Int == 1, "\(broken)")
    let lineageBreaks =
      ((brokenJSON["artifacts"] as? [[String: Any]])?.first?["versions"]
      as? [[String: Any]] ?? []).flatMap { $0["breaks"] as? [String] ?? [] }
    #expect(lineageBreaks.contains { $0.contains("churn#production#99") }, "\(lineageBreaks)")
    let page = try repo.read("audit.html")
    #expect(page.contains("1 problem(s) found."))
    #expect(page.contains("churn#production#99"))
    let again = try BrowserCheck.check(repo.path + "/audit.html", expecting: ["lineage": 2])
    #expect(again.problems.isEmpty, "\(again.problems)")
  }
}
