import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Writes reports people open in a browser.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write self-contained HTML reports that open offline (docs/reports.md).",
      subcommands: [ReportDrift.self, ReportRuns.self])
  }

  struct ReportDrift: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "drift",
      abstract: "Write mlx drift's comparison as one HTML file, with both sides' histograms.",
      discussion: """
        BASELINE and CURRENT are what `mlx drift` takes (PATH@REV, NAME#STAGE or a file). Per \
        column: the baseline's and the current data's histograms overlaid (shares of rows; \
        numeric columns in equal-width bins over both ranges, categorical ones by their most \
        frequent values), the statistics and the verdict. Drawn from the profiles, so an \
        already-profiled version is never read again. The file has no script and loads \
        nothing: open it in any browser.

        Exits 1 when any column drifts beyond its thresholds, as `mlx drift` does, after \
        writing the report.
        """)

    static let defaultOutput = "mlx-drift.html"

    @Argument(help: "The baseline: PATH@REV, NAME#STAGE or a file.", completion: .file())
    var baseline: String

    @Argument(help: "The current data: PATH@REV, NAME#STAGE or a file.", completion: .file())
    var current: String

    @Option(help: "A Table Schema giving plain files' column types.", completion: .file())
    var schema: String?

    @Option(name: [.short, .long], help: "Where to write the report.", completion: .file())
    var output: String = ReportDrift.defaultOutput

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let (report, page) = try workspace.driftReportPage(
        baseline: baseline, current: current, schemaPath: schema)
      try ReportFile.write(page, to: output)
      let drifted = report.columns.filter(\.drifted).map(\.name) + report.typeChanges.map(\.name)
      quiet.say(
        "Wrote \(output): \(report.columns.count) column(s) compared, \(drifted.count) drifted")
      if !drifted.isEmpty {
        StandardError.write(
          "mlx: drift beyond the thresholds in \(drifted.joined(separator: ", "))\n")
        throw ExitCode.failure
      }
    }
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
