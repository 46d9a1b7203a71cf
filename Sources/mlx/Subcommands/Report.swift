import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Writes reports people open in a browser.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write self-contained HTML reports that open offline (docs/reports.md).",
      subcommands: [ReportRuns.self])
  }

  struct ReportRuns: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "runs",
      abstract: "Chart every metric across runs and across registered versions, as one HTML file.",
      discussion: """
        One chart per metric across recorded runs (oldest first) and, per artifact, across \
        registered versions (lowest first, each version marked with the stages it holds), with \
        tables of the values. Runs come from refs/mlx/runs/; a version's metrics from mlx.lock \
        at its commit. The file has no script and loads nothing: open it in any browser.
        """)

    static let defaultOutput = "mlx-runs.html"

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption

    @Option(name: [.short, .long], help: "Where to write the report.", completion: .file())
    var output: String = ReportRuns.defaultOutput

    @Option(
      name: .customLong("metric"),
      help: "Chart only this metric (repeat for more); by default every recorded metric.")
    var metrics: [String] = []

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report = try workspace.runsReport(metrics: metrics)
      try ReportFile.write(RunsReportHTML.render(report), to: output)
      quiet.say(
        "Wrote \(output): \(report.runs.count) run(s), \(report.artifacts.reduce(0) { $0 + $1.versions.count }) version(s), \(report.metrics.count) metric(s)"
      )
    }
  }
}
