import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Runs the training stages.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "train",
      abstract: "Run the stages with `role: train` and everything they depend on.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var pipeline: PipelineOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      try PipelineCommand.run(.role(.train), options: pipeline, global: global, json: output.json)
    }
  }
}
