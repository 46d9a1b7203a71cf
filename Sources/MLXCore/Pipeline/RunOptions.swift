import Foundation

/// What `mlx run`, `mlx train` and `mlx eval` should do.
public struct RunOptions: Sendable {
  /// Which stages to bring up to date (with everything they depend on).
  public enum Selection: Sendable, Equatable {
    case all
    case stages([String])
    case role(Stage.Role)
  }

  public var selection: Selection = .all
  /// Run the selected stages even when up to date (the stages they depend on only if needed).
  public var force = false
  /// Print what would run and why, and change nothing.
  public var dryRun = false
  /// After a failure, go on with the stages that do not depend on the failed one.
  public var keepGoing = false
  /// `-S [file:]key=value` overrides, written into their params files before the run.
  public var overrides: [String] = []
  /// The command line, for the run record.
  public var commandLine: [String] = []
  /// Stage commands print to standard error (mlx's standard output carries `--json`).
  public var commandOutputToStandardError = false

  public init() {}
}

/// What a pipeline run did (or, with `--dry-run`, would do).
public struct RunReport: Codable, Sendable {
  /// The run record's id; nil for a dry run or when no stage ran.
  public var runId: String?
  public var dryRun: Bool
  public var stages: [RunRecord.StageResult]
  /// 0, a failed command's exit code, 130 after Ctrl-C, or 1 for another error.
  public var exitStatus: Int32
  /// The error that stopped the run, as the user should read it.
  public var error: String?
  /// Metric values the run's stages wrote, by file.
  public var metrics: [String: [String: ParamValue]]
}
