import ArgumentParser
import Foundation
import MLXCore

/// Options shared by `mlx run`, `mlx train` and `mlx eval`.
struct PipelineOptions: ParsableArguments {
  @Flag(help: "Run the selected stages even if they are up to date.")
  var force = false

  @Flag(help: "Print what would run and why; change nothing.")
  var dryRun = false

  @Flag(help: "After a failure, go on with stages that do not depend on the failed one.")
  var keepGoing = false

  /// `-q`: only errors, and what the stage commands print themselves.
  @OptionGroup var quiet: QuietOption

  @Option(
    name: [.customShort("S"), .customLong("set-param")],
    help: ArgumentHelp(
      "Set a param in its params file, then run: key=value or file.yaml:key=value.",
      discussion:
        "As dvc exp run -S: the value is written into the file (the file and key must exist)."))
  var overrides: [String] = []

  func runOptions(_ selection: RunOptions.Selection) -> RunOptions {
    var options = RunOptions()
    options.selection = selection
    options.force = force
    options.dryRun = dryRun
    options.keepGoing = keepGoing
    options.overrides = overrides
    options.commandLine = CommandLine.arguments
    return options
  }
}

/// The two sides `mlx metrics diff` and `mlx params diff` compare.
struct ComparedSides: ParsableArguments {
  @Argument(help: "The older side: a revision or a run id (default: HEAD).")
  var from: String?

  @Argument(help: "The newer side: a revision or a run id (default: the work tree).")
  var to: String?
}

/// Runs a pipeline selection and prints what happened; shared by the three run commands.
enum PipelineCommand {
  static func run(
    _ selection: RunOptions.Selection, options: PipelineOptions, global: GlobalOptions,
    json: Bool
  ) throws {
    let workspace = try Workspace.open(at: global.repository)
    var runOptions = options.runOptions(selection)
    // Standard output carries the JSON alone; what the stages print goes to standard error.
    runOptions.commandOutputToStandardError = json
    let report = try workspace.run(runOptions) { line in
      if !json && !options.quiet.isOn { StandardOutput.write(line + "\n") }
    }
    if json {
      try Output.json(report)
    } else if !options.quiet.isOn {
      printSummary(report)
    }
    if let error = report.error { StandardError.write("Error: \(error)\n") }
    if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
  }

  private static func printSummary(_ report: RunReport) {
    for (file, values) in report.metrics.sorted(by: { $0.key < $1.key }) {
      let pairs = values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      StandardOutput.write("Metrics \(file): \(pairs.joined(separator: " "))\n")
    }
    if report.dryRun {
      StandardOutput.write("Dry run: nothing was changed\n")
    } else if let id = report.runId {
      StandardOutput.write(
        "Recorded run \(id) (refs/mlx/runs/\(id)); commit mlx.lock and the pointers with git\n")
    } else if report.error == nil {
      StandardOutput.write("Everything is up to date\n")
    }
  }
}
