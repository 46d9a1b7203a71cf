import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Writes a signed approval.
  struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "approve",
      abstract: "Approve a version for a stage with a signed approval (four eyes).",
      discussion: """
        For stages whose policy sets `approvals:`. The approval is a signed tag object under \
        refs/mlx/approvals/ (GTO never reads it); share it with --push. mlx refuses an \
        approval that would not count: unsigned, by a key the allowed signers do not grant \
        your e-mail, or from someone the stage does not list. The promoter's own approval \
        never counts for their promotion.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var write: RegistryWriteFlags
    @OptionGroup var output: OutputOptions

    @Argument(help: "NAME@vX.Y.Z.")
    var target: ArtifactVersion

    @Option(help: "The stage the version is approved for.")
    var stage: String

    func validate() throws {
      if target.version == nil { throw ValidationError("name the version: NAME@vX.Y.Z") }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let report = try workspace.approve(
        target.artifact, version: target.version ?? "", stage: stage, options: write.options)
      if output.json {
        try Output.json(report)
        return
      }
      quiet.say(
        "Approved \(report.artifact) \(report.version) for \(report.stage) as \(report.approver.email)"
      )
      quiet.say("Wrote \(report.reference) (signed)")
      if let remote = report.pushedTo {
        quiet.say("Pushed to \(remote)")
      } else {
        quiet.say("Share with: git push origin \(report.reference)")
      }
    }
  }

  /// Lists approvals.
  struct Approvals: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "approvals",
      abstract: "List approvals: versions approved for a stage, and whether they were promoted.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "An artifact's name.")
    var name: String?

    @Flag(help: "Also list approvals already used by a promotion.")
    var all = false

    func run() throws {
      let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
      let summaries = try workspace.approvals(artifact: name).filter { all || !$0.promoted }
      if output.json {
        try Output.json(["approvals": summaries])
        return
      }
      if summaries.isEmpty {
        print("No pending approvals.")
        return
      }
      var rows = [["ARTIFACT", "VERSION", "STAGE", "APPROVALS", "APPROVERS", "STATE"]]
      for summary in summaries {
        rows.append([
          summary.artifact, summary.version, summary.stage,
          "\(summary.approvers.count)/\(summary.required)",
          summary.approvers.joined(separator: ", "),
          summary.promoted
            ? "promoted" : summary.approvers.count >= summary.required ? "ready" : "pending",
        ])
      }
      print(Output.table(rows))
      for summary in summaries where !summary.rejected.isEmpty {
        for reason in summary.rejected {
          print(
            "  not counted for \(summary.artifact)@\(summary.version)#\(summary.stage): \(reason)")
        }
      }
    }
  }
}
