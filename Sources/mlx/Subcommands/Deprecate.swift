import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Retires an artifact.
  struct Deprecate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "deprecate",
      abstract: "Retire an artifact: tag NAME@deprecated; it takes no new events.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "The artifact's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.deprecate(name, options: write.options)
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}
