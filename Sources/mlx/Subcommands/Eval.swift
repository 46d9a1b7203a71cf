import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Runs the evaluation stages.
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eval",
      abstract: "Run the stages with `role: eval` and everything they depend on.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      try PipelineCommand.run(.role(.eval), options: pipeline, global: global, json: output.json)
    }
  }
}
