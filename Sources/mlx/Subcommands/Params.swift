import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Compares params.
  struct Params: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "params",
      abstract: "Compare the params files of the pipeline between commits, runs and the work tree.",
      subcommands: [ParamsDiff.self])
  }

  struct ParamsDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show params that differ between two commits, runs or the work tree.",
      discussion:
        "With no argument, HEAD against the work tree; each side is a revision or a run id.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var sides: ComparedSides

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try ValueDiffText.print(
        try workspace.paramsDiff(from: sides.from, to: sides.to), json: output.json)
    }
  }
}
