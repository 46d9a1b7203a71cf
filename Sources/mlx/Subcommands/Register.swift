import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Registers a version of an artifact.
  struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "register",
      abstract: "Register a version of an artifact at a commit: tag NAME@vX.Y.Z.",
      discussion: """
        Without --version, the next patch version (or --bump major|minor|patch) after the \
        greatest registered one; v0.0.1 for the first. One version per commit per artifact.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "The artifact's name.")
    var name: String

    @Argument(help: "The commit to register (default: HEAD).")
    var revision: String?

    @Option(help: "The version, like v1.2.0.")
    var version: String?

    @Option(help: "Which part of the greatest version to increase: major, minor or patch.")
    var bump: SemanticVersion.Part?

    func validate() throws {
      if version != nil && bump != nil {
        throw ValidationError("give --version or --bump, not both")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.register(
        name, revision: revision, version: version, bump: bump, options: write.options)
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}

extension SemanticVersion.Part: ExpressibleByArgument {}
