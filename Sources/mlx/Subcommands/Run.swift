import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Runs pipeline stages.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Run pipeline stages from mlx.yaml that are out of date, in dependency order.",
      discussion: """
        A stage whose command, dependencies and params match mlx.lock and whose outputs are \
        intact is skipped; one whose inputs match an earlier run is restored from the run \
        cache without running. Each run is recorded under refs/mlx/runs/. Exits with a failed \
        command's exit code (130 after Ctrl-C).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Stages to run, with what they depend on (default: all).")
    var stages: [String] = []

    func run() throws {
      try PipelineCommand.run(
        stages.isEmpty ? .all : .stages(stages), options: pipeline, global: global,
        json: output.json)
    }
  }
}
