import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Removes a stage from the version holding it.
  struct Unassign: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "unassign",
      abstract: "Remove a stage from the version holding it: tag NAME#STAGE!#N.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME#STAGE or NAME%STAGE.")
    var target: ArtifactStage

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.unassign(
        target.artifact, stage: target.stage, options: write.options)
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}
