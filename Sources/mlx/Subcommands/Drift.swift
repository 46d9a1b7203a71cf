import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Data drift between two versions of a table.
  struct Drift: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare two versions of a CSV/TSV table column by column for drift.",
      discussion: """
        Each side is PATH@REV (a tracked file as recorded at a commit, branch or tag, e.g. \
        data/train.csv@HEAD~3), NAME#STAGE (the training data of the registry version \
        holding that stage: the CSV or TSV input, in mlx.lock at the version's commit, of \
        the stage that wrote the model), or a plain CSV or TSV file (a tracked file as in \
        the work tree, or a new batch anywhere). Both are compared through their profiles (see \
        `mlx profile`): stored ones are reused, others computed and stored. Numeric \
        columns get the two-sample Kolmogorov-Smirnov test (statistic and p-value, as \
        scipy.stats.ks_2samp; exact from every value while a side has at most 4,096 \
        values or the column at most 1,000 distinct values, else from the quantile \
        sketches with an error bound, judged by the p-value at the statistic less the bound) and the population \
        stability index (evidently's bins); other columns get the chi-square test and the \
        Jensen-Shannon distance of their value counts. Thresholds come from the drift: \
        key of .mlx/policy.yaml (defaults psi 0.2, ks_pvalue 0.05, js 0.1, chi2_pvalue \
        0.05; per-column overrides and ignore). A column whose type changed from numeric \
        counts as drifted. --schema gives plain files' column types. See docs/quality.md.

        Exits 1 when any column drifts beyond its thresholds (so CI can trigger \
        retraining), or when a side cannot be read; 0 otherwise.
        """)

    @Argument(help: "The baseline: PATH@REV, NAME#STAGE or a file.", completion: .file())
    var baseline: String

    @Argument(help: "The current data: PATH@REV, NAME#STAGE or a file.", completion: .file())
    var current: String

    @Option(help: "A Table Schema giving plain files' column types.", completion: .file())
    var schema: String?

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let report = try workspace.drift(baseline: baseline, current: current, schemaPath: schema)
      if output.json {
        try Output.json(report)
      } else if !quiet.isOn {
        Self.print(report)
      }
      if report.drifted {
        let names = report.columns.filter(\.drifted).map(\.name) + report.typeChanges.map(\.name)
        StandardError.write(
          "mlx: drift beyond the thresholds in \(names.joined(separator: ", "))\n")
        throw ExitCode.failure
      }
    }

    private static func print(_ report: DriftReport) {
      func side(_ side: DriftReport.Side) -> String {
        let rows = "\(side.rows) \(side.rows == 1 ? "row" : "rows")"
        guard let version = side.version, let commit = side.revision else {
          return "\(side.spec) (\(rows))"
        }
        return "\(side.spec) (\(version): \(side.path) at \(commit.prefix(7)), \(rows))"
      }
      let drifted = report.columns.filter(\.drifted).count + report.typeChanges.count
      let compared = report.columns.count + report.typeChanges.count
      Swift.print(
        "Drift from \(side(report.baseline)) to \(side(report.current)): \(drifted) of "
          + "\(compared) \(compared == 1 ? "column" : "columns") drifted")
      var rows = [["column", "kind", "ks D", "ks p", "psi", "chi2 p", "js", "result"]]
      for column in report.columns {
        let ks = column.ks.map { ks in
          ks.exactValues ? "" : " ±\(DriftComparison.format(ks.errorBound))"
        }
        rows.append([
          column.name, column.kind,
          column.ks.map { DriftComparison.format($0.statistic) + (ks ?? "") } ?? "-",
          column.ks.map { ks in
            DriftComparison.format(ks.pValue) + " (\(ks.method))"
              + (ks.conservativePValue.map { ", \(DriftComparison.format($0)) at D-bound" } ?? "")
          } ?? "-",
          column.psi.map(DriftComparison.format) ?? "-",
          column.chiSquare.map { $0.pValue.map(DriftComparison.format) ?? "n/a" } ?? "-",
          column.js.map(DriftComparison.format) ?? "-",
          (column.drifted ? "DRIFT" : "ok") + (column.exact ? "" : " (sketch)"),
        ])
      }
      let table = Output.table(rows).split(separator: "\n").map { "  " + $0 }
      Swift.print(table.joined(separator: "\n"))
      for column in report.columns where column.drifted {
        Swift.print("  \(column.name): \(column.reasons.joined(separator: "; "))")
      }
      for change in report.typeChanges {
        Swift.print("  \(change.name): type changed from \(change.baseline) to \(change.current)")
      }
      let notes = [
        ("only in the baseline", report.onlyInBaseline), ("only in current", report.onlyInCurrent),
        ("ignored by the policy", report.ignored), ("no values to compare", report.notCompared),
      ]
      for (label, names) in notes where !names.isEmpty {
        Swift.print("  \(label): \(names.joined(separator: ", "))")
      }
    }
  }
}
