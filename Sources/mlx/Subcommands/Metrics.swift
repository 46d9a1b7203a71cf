import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Compares metrics.
  struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Compare the metrics files of the pipeline between commits, runs and the work tree.",
      subcommands: [MetricsDiff.self])
  }

  struct MetricsDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show metrics that differ between two commits, runs or the work tree.",
      discussion:
        "With no argument, HEAD against the work tree; each side is a revision or a run id.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var sides: ComparedSides

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try ValueDiffText.print(
        try workspace.metricsDiff(from: sides.from, to: sides.to), json: output.json)
    }
  }
}

/// Prints a params or metrics comparison.
enum ValueDiffText {
  static func print(_ comparison: ValueComparison, json: Bool) throws {
    if json {
      try Output.json(comparison)
      return
    }
    if comparison.changes.isEmpty {
      Swift.print("No differences between \(comparison.from) and \(comparison.to)")
      return
    }
    var rows = [["FILE", "KEY", comparison.from, comparison.to, "CHANGE"]]
    for change in comparison.changes {
      rows.append([
        change.file, change.key, change.old?.description ?? "-", change.new?.description ?? "-",
        change.change.map { String(format: "%+.6g", $0) } ?? "",
      ])
    }
    Swift.print(Output.table(rows))
  }
}
