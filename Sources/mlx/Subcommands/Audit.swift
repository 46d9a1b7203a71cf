import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Verifies the registry.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "audit",
      abstract: "Verify every registry tag: signatures, signers and recorded gates.",
      subcommands: [AuditCheck.self, AuditReport.self],
      defaultSubcommand: AuditCheck.self)
  }

  struct AuditCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract:
        "Judge every registry event against the policy in force at its time; exit 1 on any failure.",
      discussion: """
        Each event gets one status: ok, or the most serious of policy, replayed, invalid, \
        unauthorised, unsigned, mismatch, conflict, stage, order, gates, approvals, counter, \
        backdated, unverifiable (docs/registry.md#audit). The policy is read from the trusted ref as it stood at each \
        event's time, and the audit names the commit that judged it. Exits 1 when any event \
        fails, 0 otherwise.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    @Argument(help: "An artifact's name.")
    var name: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.audit(artifact: name)
      if output.json {
        try Output.json(report)
      } else if quiet.isOn {
        if !report.isClean {
          StandardError.write(
            "Error: the audit found \(report.problems) failing of \(report.entries.count) events"
              + "\(report.policyUntrusted ? " and an untrusted policy" : ""); "
              + "run without -q to see them\n")
        }
      } else {
        AuditText.printPolicy(
          report.trustedRef, trusted: report.policyIsTrusted, changes: report.policyChanges)
        for entry in report.entries {
          let signature =
            entry.signature.status == .valid
            ? "signed by \(entry.tagger.email)" : entry.signature.status.rawValue
          let policy = entry.policyCommit.map { ", policy \($0.prefix(7))" } ?? ""
          print(
            "\(entry.passed ? "ok  " : "FAIL") \(entry.tag)  \(entry.event.rawValue), \(signature)\(policy)\(entry.passed ? "" : "  [\(entry.status)]")"
          )
          for problem in entry.problems { print("       \(problem)") }
          for warning in entry.warnings { print("       warning: \(warning)") }
        }
        let counts = report.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
          .joined(separator: ", ")
        print(
          "\(report.entries.count) events: \(report.problems) failing\(counts.isEmpty ? "" : " (\(counts))")"
        )
      }
      if !report.isClean { throw ExitCode.failure }
    }
  }

  struct AuditReport: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract:
        "Every artifact's promotions with signers and verification, and the lineage of each promoted version.",
      discussion: """
        With --html, a self-contained page for an auditor: the policy in force, every event \
        (rollbacks marked), and per promoted version its digest, commit, producing run, \
        metrics, training data, gates, approvals and lineage graph, all read from Git objects \
        (docs/reports.md). Problems are counted once per event. Exits 1 when there are any.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Also write a self-contained HTML page to this file.", completion: .file())
    var html: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let summary = try workspace.auditSummary()
      if let html {
        let page = AuditReportHTML.render(summary, repository: workspace.root)
        try ReportFile.write(page, to: html)
      }
      if output.json {
        try Output.json(summary)
      } else {
        AuditText.printPolicy(
          summary.trustedRef, trusted: summary.policyIsTrusted, changes: summary.policyChanges)
        for artifact in summary.artifacts {
          let stages = artifact.stages.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
          print(
            "\(artifact.name): \(stages.isEmpty ? "in no stage" : stages.joined(separator: " "))")
          for promotion in artifact.promotions {
            print(
              "  \(Timestamp.format(promotion.time))  \(promotion.tag)\(promotion.rollback ? " (rollback)" : "")  \(promotion.signer)  signature \(promotion.signature)  \(promotion.status)"
            )
            for problem in promotion.problems { print("      \(problem)") }
          }
          for version in artifact.versions {
            print(
              "  lineage of \(version.version): \(version.verified ? "complete, \(version.nodes) nodes verified" : "BROKEN")"
            )
            for item in version.breaks { print("      \(item)") }
          }
        }
        print(
          "\(summary.problems) problem(s)\(html.map { "; HTML report written to \($0)" } ?? "")")
      }
      if summary.problems > 0 { throw ExitCode.failure }
    }
  }
}

/// Text shared by the audit commands.
enum AuditText {
  /// Where the policy came from, and every change to it with its author and signature.
  static func printPolicy(_ reference: String?, trusted: Bool, changes: [PolicyHistory.Change]) {
    guard let reference else {
      print("No policy: no trusted ref and no commit")
      return
    }
    print(
      "Policy from \(reference)\(trusted ? "" : " (no trusted ref: nothing can be trusted; set `git config mlx.trustedRef`)")"
    )
    for change in changes {
      let signed =
        change.signature.status == .valid
        ? "signed (\(change.signature.fingerprint ?? ""))" : change.signature.status.rawValue
      print(
        "  policy change \(change.commit.prefix(7)) \(Timestamp.format(change.time)) by \(change.author.email), \(signed): \(change.files.joined(separator: ", "))"
      )
    }
  }
}
