import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Assigns a stage to a version, after checking the policy.
  struct Promote: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "promote",
      abstract:
        "Promote a version to a stage with a signed tag NAME#STAGE#N, after checking the policy.",
      discussion: """
        Without @VERSION, promotes the version registered at REV (default HEAD), registering \
        one first when there is none. .mlx/policy.yaml decides the checks: the stage a version \
        must have held before, metric gates, whether a signature is required and who may sign. \
        Every check is printed; if any fails, no tag is written and mlx exits 1.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME or NAME@vX.Y.Z.")
    var target: ArtifactVersion

    @Option(help: "The stage to promote to.")
    var to: String

    @Argument(help: "The commit whose version to promote (default: HEAD).")
    var revision: String?

    func validate() throws {
      if target.version != nil && revision != nil {
        throw ValidationError("give NAME@VERSION or a revision, not both")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.promote(
        target.artifact, version: target.version, to: to, revision: revision, options: write.options
      )
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }
  }
}
