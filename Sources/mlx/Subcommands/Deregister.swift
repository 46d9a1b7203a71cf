import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Withdraws a version.
  struct Deregister: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "deregister",
      abstract: "Withdraw a registered version: tag NAME@vX.Y.Z!.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME@vX.Y.Z.")
    var target: ArtifactVersion

    func validate() throws {
      if target.version == nil { throw ValidationError("name the version: NAME@vX.Y.Z") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.deregister(
        target.artifact, version: target.version!, options: write.options)
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}
