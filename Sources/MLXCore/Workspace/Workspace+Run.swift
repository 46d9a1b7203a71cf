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
  /// `-S [file:]key=value` overrides, applied for this run only.
  public var overrides: [String] = []
  /// The command line, for the run record.
  public var commandLine: [String] = []

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

extension Workspace {
  /// Reads and checks `mlx.yaml`.
  public func pipeline() throws -> StageGraph {
    guard let text = try FileSystem.readTextIfPresent(absolute(PipelineSpec.fileName)) else {
      throw PipelineError.missingPipeline(path: PipelineSpec.fileName)
    }
    return try StageGraph(PipelineSpec(parsing: text))
  }

  /// Reads `mlx.lock` (empty when absent).
  func lockFile() throws -> LockFile {
    guard let text = try FileSystem.readTextIfPresent(absolute(LockFile.fileName)) else {
      return LockFile()
    }
    return try LockFile(parsing: text)
  }

  /// Brings the selected stages up to date, in dependency order: skips what is up to date,
  /// restores what an earlier run already produced, runs the rest, and writes `mlx.lock`
  /// after each stage and a run record at the end.
  ///
  /// `log` receives one line per stage as it starts or is skipped.
  public func run(_ options: RunOptions, log: @escaping (String) -> Void) throws -> RunReport {
    let graph = try pipeline()
    let targets = try targetStages(graph, options.selection)
    let lock = options.dryRun ? nil : try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let runner = try PipelineRunner(
      workspace: self, graph: graph, options: options, forced: options.force ? targets : [],
      log: log)
    return try runner.run(graph.withUpstream(targets))
  }

  /// The stages the selection names; the run adds what they depend on.
  private func targetStages(
    _ graph: StageGraph, _ selection: RunOptions.Selection
  ) throws -> Set<String> {
    let all = graph.spec.stages.map(\.name)
    switch selection {
    case .all:
      return Set(all)
    case .stages(let names):
      for name in names where graph.spec.stage(named: name) == nil {
        throw PipelineError.unknownStage(name, known: all)
      }
      return Set(names)
    case .role(let role):
      let matching = graph.spec.stages.filter { $0.role == role }.map(\.name)
      guard !matching.isEmpty else { throw PipelineError.noStage(role: role.rawValue) }
      return Set(matching)
    }
  }
}
