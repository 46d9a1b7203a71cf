import Foundation

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
      workTree: self, graph: graph, options: options, forced: options.force ? targets : [],
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
