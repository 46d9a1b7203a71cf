import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Per-column statistics of data files, stored by the data's digest.
  struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Profile CSV and TSV files: per-column statistics, stored with the data.",
      discussion: """
        For each column: count, missing, invalid, min, max, mean, standard deviation, \
        quantiles from a mergeable sketch (exact up to 4,096 values, else within 1.5% of \
        the count in rank), a histogram, a distinct-count estimate (HyperLogLog, 1.6% \
        standard error) and the most frequent values (exact up to 1,000 distinct values). \
        Column types come from --schema, else are inferred as `mlx schema infer` does. \
        Reads every row on all cores. The profile is stored in mlx's store by the data's \
        digest, so profiling unchanged data in the repository again reads nothing (a \
        file elsewhere is hashed again); a tracked file whose \
        content is the one its pointer records gets `profile:` in its pointer (staged). \
        A directory stands for every .csv and .tsv file in it, each profiled on its own. \
        With --rev, prints the profile recorded for a tracked file at that revision \
        (computing it from the stored content when none is stored). See docs/quality.md.
        """)

    @Argument(help: "Files or directories to profile.", completion: .file())
    var paths: [String]

    @Option(help: "A Table Schema (YAML or JSON) giving the column types.", completion: .file())
    var schema: String?

    @Option(help: "Profile tracked files as recorded at this revision.")
    var rev: String?

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let results: [ProfileResult]
      if let rev {
        if schema != nil {
          throw ValidationError("--rev profiles with inferred types; drop --schema")
        }
        results = try paths.map { try workspace.profileResult(of: $0, at: rev) }
      } else {
        results = try workspace.profile(paths: paths, schemaPath: schema)
      }
      if output.json {
        try Output.json(ProfileReport(profiles: results))
      } else if !quiet.isOn {
        for result in results { Self.print(result) }
      }
    }

    struct ProfileReport: Encodable {
      var profiles: [ProfileResult]
    }

    private static func print(_ result: ProfileResult) {
      let profile = result.profile
      let recorded = result.pointer.map { ", recorded in \($0)" } ?? ""
      Swift.print(
        "\(result.path): \(profile.rows) \(profile.rows == 1 ? "row" : "rows"), "
          + "\(profile.columns.count) columns (\(result.reused ? "stored" : "new") profile "
          + "\(result.object.description.prefix(19))…\(recorded))")
      var rows = [
        [
          "column", "type", "count", "missing", "min", "p50", "max", "mean", "std", "distinct≈",
          "top values",
        ]
      ]
      for column in profile.columns {
        let numbers = column.numbers
        let top = (column.values?.top.prefix(3) ?? []).map { "\(cell($0.value)) (\($0.count))" }
        rows.append(
          [
            column.name, column.type.rawValue, "\(column.count)",
            "\(column.missing)" + (column.invalid > 0 ? " +\(column.invalid) invalid" : ""),
            format(numbers?.min), format(numbers?.quantile(0.5)), format(numbers?.max),
            format(numbers?.mean), format(numbers?.std), "\(column.distinct)",
            top.joined(separator: ", ") + (column.values?.exact == false ? " ≈" : ""),
          ])
      }
      let table = Output.table(rows).split(separator: "\n").map { "  " + $0 }
      Swift.print(table.joined(separator: "\n"))
    }

    private static func format(_ value: Double?) -> String {
      guard let value else { return "-" }
      if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
      return String(format: "%.6g", value)
    }

    /// A value as one short line.
    private static func cell(_ value: String) -> String {
      let line = value.map { $0.isNewline || $0 == "\t" ? " " : String($0) }.joined()
      return line.count > 20 ? String(line.prefix(19)) + "…" : line
    }
  }
}
