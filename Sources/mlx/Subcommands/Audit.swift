import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Verifies the registry.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify every registry tag: signatures, signers and recorded gates.",
      subcommands: [AuditCheck.self, AuditReport.self],
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

  struct AuditReport: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Every artifact's promotions with signers and verification, and the lineage of each promoted version.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Also write a self-contained HTML page to this file.", completion: .file())
    var html: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let summary = try workspace.auditSummary()
      if let html {
        let page = AuditReportHTML.render(summary, repository: workspace.root)
        try Data(page.utf8).write(to: URL(fileURLWithPath: html))
      }
      if output.json {
        try Output.json(summary)
      } else {
        for artifact in summary.artifacts {
          let stages = artifact.stages.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
          print("\(artifact.name): \(stages.isEmpty ? "in no stage" : stages.joined(separator: " "))")
          for promotion in artifact.promotions {
            print("  \(Timestamp.format(promotion.time))  \(promotion.tag)  \(promotion.signer)  signature \(promotion.signature)  \(promotion.status)")
            for problem in promotion.problems { print("      \(problem)") }
          }
          for version in artifact.versions {
            print("  lineage of \(version.version): \(version.verified ? "complete, \(version.nodes) nodes verified" : "BROKEN")")
            for item in version.breaks { print("      \(item)") }
          }
        }
        print("\(summary.problems) problem(s)\(html.map { "; HTML report written to \($0)" } ?? "")")
      }
      if summary.problems > 0 { throw ExitCode.failure }
    }
  }
}
