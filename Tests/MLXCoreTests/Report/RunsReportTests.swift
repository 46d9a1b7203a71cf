import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The runs page from values: charts in run and version order, and hostile names (a metric
/// key in a committed `mlx.lock` is anyone's text) shown as text, never run.
@Suite struct RunsReportTests {
  @Test func numbersFlattenEveryFileAndSkipText() {
    let numbers = RunsReport.numbers([
      "a.json": ["acc": .double(0.9), "name": .string("m")], "b.json": ["loss": .int(1)],
    ])
    #expect(numbers == ["acc": 0.9, "loss": 1])
  }

  @Test func hostileNamesAreTextAndTheChartsStillDraw() throws {
    let hostile = "<script>console.error('x')</script>"
    let date = Date(timeIntervalSince1970: 1_800_000_000)
    var runs: [RunsReport.Run] = []
    for index in 1...3 {
      let value = Double(index)
      let metrics: [String: Double] = [hostile: value, "acc": 0.5 + value / 10]
      runs.append(
        RunsReport.Run(
          id: "20270115-0800\(index)0-0000000\(index)", startedAt: date, commit: "abc\"def",
          dirty: index == 2, exitStatus: index == 3 ? 2 : 0, metrics: metrics))
    }
    let versions = [
      RunsReport.Version(
        version: "v0.0.1", commit: "c1", stages: [], metrics: ["acc": 0.6], run: nil),
      RunsReport.Version(
        version: "v0.0.2", commit: "c2", stages: ["prod<uction>"], metrics: ["acc": 0.8],
        run: "r"),
    ]
    let artifacts = [RunsReport.Artifact(name: "model&co", versions: versions)]
    let report = RunsReport(
      generatedAt: date, repository: "/repo", runs: runs, artifacts: artifacts,
      metrics: RunsReport.metricNames(runs: runs, artifacts: artifacts))
    #expect(report.metrics == [hostile, "acc"].sorted())
    let html = RunsReportHTML.render(report)
    #expect(!html.contains("<script>"))
    #expect(html.contains("&lt;script&gt;"))
    #expect(html.contains("model&amp;co: acc by version"))
    #expect(html.contains("exit 2") && html.contains("abc&quot;def*"))
    let directory = try TemporaryDirectory(prefix: "mlx-report")
    defer { directory.remove() }
    try directory.write(html, to: "runs.html")
    let outcome = try BrowserCheck.check(directory("runs.html"), expecting: ["line": 3])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.charts.map(\.marks) == [3, 3, 2], "\(outcome.charts)")
  }
}
