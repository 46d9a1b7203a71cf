import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Reassigns a stage to its previous holder.
  struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Give a stage back to the version that held it before the current one.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "The artifact's name.")
    var name: String

    @Option(help: "The stage to roll back.")
    var stage: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.rollback(name, stage: stage, options: write.options)
      try RegistryText.print(report, json: output.json)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}
