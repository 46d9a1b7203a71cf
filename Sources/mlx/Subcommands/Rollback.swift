import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Reassigns a stage to its previous holder.
  struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rollback",
      abstract: "Give a stage back to the version that held it before the current one.",
      discussion: """
        Prints the change (production: v1.0.1 → v1.0.0) and writes an assignment recording \
        digest, run and metrics like a promotion. The stage's `rollback` rule in the policy \
        decides whether its gates are evaluated again (check-gates) or not (skip-gates, the \
        default); signature, signer and approval rules apply as for any promotion.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME#STAGE (or NAME%STAGE), or NAME with --stage.")
    var target: String

    @Option(help: "The stage to roll back.")
    var stage: String?

    func run() throws {
      let (name, stage) = try resolved()
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.rollback(name, stage: stage, options: write.options)
      try RegistryText.print(report, json: output.json, quiet: quiet)
      if !report.accepted { throw ExitCode.failure }
    }

    private func resolved() throws -> (String, String) {
      if let reference = ArtifactStageReference(target) {
        if let stage, stage != reference.stage {
          throw ValidationError(
            "'\(target)' names stage \(reference.stage), --stage names \(stage)")
        }
        return (reference.artifact, reference.stage)
      }
      guard let stage else {
        throw ValidationError("name the stage: NAME#STAGE, or NAME --stage STAGE")
      }
      return (target, stage)
    }
  }
}
