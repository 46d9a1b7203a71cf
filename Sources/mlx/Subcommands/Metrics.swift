import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Compares metrics.
  struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "metrics",
      abstract:
        "Show the pipeline's metrics, or compare them between commits, runs and the work tree.",
      subcommands: [MetricsShow.self, MetricsDiff.self])
  }

  struct MetricsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show the metrics of the work tree, a revision, a run, or every commit.",
      discussion: """
        Reads the metrics files the pipeline's stages declare (mlx.yaml `metrics:`), as \
        `dvc metrics show` does. With --all-commits, every commit a branch or tag reaches, \
        newest first (commits without metrics are left out).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "A revision or a run id (default: the work tree).")
    var revision: String?

    @Flag(help: "Show the metrics of every commit.")
    var allCommits = false

    func validate() throws {
      if allCommits && revision != nil {
        throw ValidationError("give a revision or --all-commits, not both")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let snapshots =
        allCommits ? try workspace.metricsOfAllCommits() : [try workspace.metrics(at: revision)]
      if output.json {
        if allCommits {
          try Output.json(["commits": snapshots])
        } else {
          try Output.json(snapshots[0])
        }
        return
      }
      var rows = [["REVISION", "FILE", "KEY", "VALUE"]]
      for snapshot in snapshots {
        for (file, values) in snapshot.values.sorted(by: { $0.key < $1.key }) {
          for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            rows.append([snapshot.name, file, key, value.description])
          }
        }
      }
      guard rows.count > 1 else {
        print("No metrics: no stage in mlx.yaml declares a metrics file that exists here")
        return
      }
      print(Output.table(rows))
    }
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
