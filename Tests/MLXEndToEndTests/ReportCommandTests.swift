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
