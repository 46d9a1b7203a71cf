import ArgumentParser
import MLXCore

@main
struct MLXCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mlx",
    abstract: "Version data and models beside Git, run pipelines, promote and trace models.",
    discussion: "Run `mlx COMMAND --help` for a command's options. Documentation: docs/ in the mlx repository.",
    version: MLXVersion.current,
    subcommands: [
      Init.self, Add.self, Status.self, Checkout.self, List.self, Diff.self, Verify.self, Remove.self,
      Run.self, Train.self, Eval.self, Runs.self, Metrics.self, Params.self,
    ]
  )
}
