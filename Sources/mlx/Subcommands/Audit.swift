import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Verifies the registry.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify every registry tag: signatures, signers and recorded gates.",
      subcommands: [AuditCheck.self],
      defaultSubcommand: AuditCheck.self)
  }

  struct AuditCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Check every registry event; exit 1 if any is invalid, unauthorised or unsigned where required.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An artifact's name.")
    var name: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.audit(artifact: name)
      if output.json {
        try Output.json(report)
      } else {
        for entry in report.entries {
          let signature = entry.signature.status == .valid
            ? "signed by \(entry.tagger.email)" : entry.signature.status.rawValue
          print("\(entry.status == "ok" ? "ok  " : "FAIL") \(entry.tag)  \(entry.event.rawValue), \(signature)")
          for problem in entry.problems { print("       \(problem)") }
        }
        print("\(report.entries.count) events: \(report.problems) with problems (\(report.invalid) invalid, \(report.unauthorised) unauthorised, \(report.unsigned) unsigned where required)")
      }
      if !report.isClean { throw ExitCode.failure }
    }
  }
}
