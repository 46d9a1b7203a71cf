import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Lists, shows, compares and applies run records.
  struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "runs",
      abstract: "List, show, compare and apply recorded pipeline runs (refs/mlx/runs/).",
      subcommands: [RunsList.self, RunsShow.self, RunsCompare.self, RunsApply.self],
      defaultSubcommand: RunsList.self)
  }
}

/// Formats run records for the terminal.
enum RunText {
  static func time(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
  }

  static func status(_ record: RunRecord) -> String {
    record.exitStatus == 0 ? "ok" : "exit \(record.exitStatus)"
  }

  static func commit(_ record: RunRecord) -> String {
    (record.code.commit.map { String($0.prefix(7)) } ?? "-") + (record.code.dirty ? "*" : "")
  }

  /// `key=value` pairs of every file, keys sorted.
  static func pairs(_ groups: [String: [String: ParamValue]]) -> String {
    flatten(groups).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  }

  static func flatten(_ groups: [String: [String: ParamValue]]) -> [(
    key: String, value: ParamValue
  )] {
    var result: [String: ParamValue] = [:]
    for values in groups.values { result.merge(values) { $1 } }
    return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

extension MLXCommand {
  struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List runs, newest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Only runs in which this stage ran or was restored.")
    var stage: String?

    @Option(help: "Show at most this many runs.")
    var limit: Int?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let records = try workspace.runs(stage: stage, limit: limit)
      if output.json {
        try Output.json(["runs": records])
        return
      }
      if records.isEmpty {
        print("No runs recorded yet; `mlx run` records one each time a stage runs.")
        return
      }
      var rows = [["ID", "STARTED", "STAGES", "STATUS", "COMMIT", "PARAMS", "METRICS"]]
      for record in records {
        rows.append([
          record.id, RunText.time(record.startedAt), record.executedStages.joined(separator: ","),
          RunText.status(record), RunText.commit(record), RunText.pairs(record.params),
          RunText.pairs(record.metrics),
        ])
      }
      print(Output.table(rows))
    }
  }

  struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show everything recorded about one run.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The run id (or its first or last characters).")
    var id: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let record = try workspace.run(id: id)
      if output.json {
        try Output.json(record)
        return
      }
      print("Run \(record.id): \(RunText.status(record))")
      print("  user      \(record.user.name) <\(record.user.email)>")
      print(
        "  host      \(record.platform.host) (\(record.platform.os) \(record.platform.kernel), \(record.platform.architecture))"
      )
      print(
        "  started   \(RunText.time(record.startedAt)), took \(String(format: "%.2f", record.durationSeconds)) s"
      )
      print(
        "  code      \(record.code.commit ?? "none (run before the first commit)")\(record.code.dirty ? " (uncommitted changes: \((record.code.uncommitted ?? []).joined(separator: ", ")))" : "")\(record.code.branch.map { " on \($0)" } ?? "")"
      )
      print("  command   \(record.command.joined(separator: " "))")
      print("  mlx       \(record.mlxVersion)")
      if !record.overrides.isEmpty {
        print("  overrides \(record.overrides.joined(separator: " "))")
      }
      for stage in record.stages {
        print("  stage \(stage.name): \(stage.status.rawValue) (\(stage.reason))")
        for entry in stage.deps { print("    dep  \(entry.path) \(entry.digest.short)") }
        for (key, value) in RunText.flatten(stage.params) { print("    param \(key)=\(value)") }
        for entry in stage.outs { print("    out  \(entry.path) \(entry.digest.short)") }
        for (key, value) in RunText.flatten(stage.metrics) { print("    metric \(key)=\(value)") }
      }
    }
  }

  struct RunsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "compare", abstract: "Compare the params and metrics of runs side by side.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Two or more run ids.")
    var ids: [String]

    func validate() throws {
      if ids.count < 2 { throw ValidationError("give at least two run ids to compare") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let records = try ids.map { try workspace.run(id: $0) }
      if output.json {
        try Output.json(["runs": records])
        return
      }
      var rows = [["", ""] + records.map(\.id)]
      for (kind, groups) in [("param", records.map(\.params)), ("metric", records.map(\.metrics))] {
        let columns = groups.map {
          Dictionary(uniqueKeysWithValues: RunText.flatten($0).map { ($0.key, $0.value) })
        }
        let keys = Set(columns.flatMap(\.keys)).sorted()
        for key in keys {
          let values = columns.map { $0[key]?.description ?? "-" }
          let marker = Set(values).count > 1 ? "*" : ""
          rows.append(["\(marker)\(kind)", key] + values)
        }
      }
      print(Output.table(rows))
    }
  }

  struct RunsApply: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "apply",
      abstract: "Restore a run's params files, outputs and lock entries into the work tree.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption

    @Argument(help: "The run id.")
    var id: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let record = try workspace.apply(run: id)
      quiet.say(
        "Applied run \(record.id): params files \(record.paramsFiles.keys.sorted().joined(separator: ", ")), outputs of \(record.executedStages.joined(separator: ", "))"
      )
    }
  }
}
