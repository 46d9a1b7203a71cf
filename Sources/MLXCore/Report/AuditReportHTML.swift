import Foundation

/// Renders an audit summary as one self-contained page for an auditor: the policy in force
/// and its history, then per artifact every registry event (rollbacks marked) and per
/// promoted version its digest, commit, producing run, metrics, training data, gates,
/// approvals and lineage graph.
public enum AuditReportHTML {
  public static func render(_ summary: AuditSummary, repository: String) -> String {
    var page = HTMLPage(title: "mlx audit report")
    let events = summary.artifacts.reduce(0) { $0 + $1.promotions.count }
    page.paragraph(
      html:
        "Repository \(HTML.code(repository)), generated \(HTML.escape(Timestamp.format(summary.generatedAt))): "
        + "\(events) registry event(s), \(summary.artifacts.count) artifact(s). "
        + (summary.problems == 0
          ? HTML.badge(true, "No problems found.")
          : HTML.badge(false, "\(summary.problems) problem(s) found.")))
    page.paragraph(
      "Problems are counted once per failing registry event, however many checks it fails, "
        + "once per version whose lineage breaks elsewhere, and once for an untrusted policy.",
      note: true)
    policy(summary, into: &page)
    for artifact in summary.artifacts { self.artifact(artifact, into: &page) }
    return page.render()
  }

  private static func policy(_ summary: AuditSummary, into page: inout HTMLPage) {
    page.heading("Policy in force")
    page.paragraph(
      html: "Read from \(HTML.code(summary.trustedRef ?? "nothing"))"
        + (summary.policyCommit.map { " at commit \(HTML.code(String($0.prefix(12))))" } ?? "")
        + (summary.policyIsTrusted
          ? "." : " " + HTML.badge(false, "(no trusted ref: nothing can be trusted)")))
    if summary.policy.isEmpty {
      page.paragraph(
        "No policy file: every stage is allowed, no signature is required.", note: true)
    } else {
      page.table(
        headers: ["Stage", "After", "Signature", "Signers", "Gates", "Approvals", "Rollback"],
        rows: summary.policy.map { rule in
          [
            HTML.escape(rule.name), HTML.escape(rule.after ?? "-"),
            rule.signature ? "required" : "-", HTML.escape(rule.signers.joined(separator: ", ")),
            rule.gates.map(HTML.code).joined(separator: "<br>"),
            rule.approvals == 0
              ? "-"
              : "\(rule.approvals)"
                + (rule.approvers.isEmpty
                  ? "" : " from " + HTML.escape(rule.approvers.joined(separator: ", "))),
            HTML.escape(rule.rollback),
          ]
        })
    }
    page.heading("Policy changes", level: 3)
    if summary.policyChanges.isEmpty {
      page.paragraph(
        "No commit on the trusted ref changed the policy or the allowed signers.", note: true)
      return
    }
    page.table(
      headers: ["Commit", "Time", "Author", "Files", "Signature"],
      rows: summary.policyChanges.map { change in
        let signed = change.signature.status == .valid && !change.signature.principals.isEmpty
        return [
          HTML.code(String(change.commit.prefix(12))), HTML.escape(Timestamp.format(change.time)),
          HTML.escape("\(change.author.name) <\(change.author.email)>"),
          HTML.escape(change.files.joined(separator: ", ")),
          HTML.badge(
            signed,
            signed
              ? "signed by \(change.signature.principals.joined(separator: ", "))"
              : change.signature.status.rawValue),
        ]
      })
  }

  private static func artifact(_ artifact: AuditSummary.Artifact, into page: inout HTMLPage) {
    page.heading(artifact.name)
    page.paragraph(
      html: "Current stages: "
        + (artifact.stages.isEmpty
          ? "none"
          : artifact.stages.sorted { $0.key < $1.key }
            .map { "<b>\(HTML.escape($0.key))</b> \(HTML.escape($0.value))" }
            .joined(separator: ", ")))
    page.heading("Registry events", level: 3)
    page.table(
      headers: [
        "Time", "Tag", "Event", "Version", "Stage", "Commit", "Signer", "Signature", "Policy",
        "Status",
      ],
      rows: artifact.promotions.map { event in
        [
          HTML.escape(Timestamp.format(event.time)), HTML.code(event.tag),
          HTML.escape(event.event)
            + (event.rollback ? " <span class=\"rollback\">rollback</span>" : ""),
          HTML.escape(event.version ?? "-"), HTML.escape(event.stage ?? "-"),
          HTML.code(String(event.commit.prefix(12))), HTML.escape(event.signer),
          HTML.escape(event.signature),
          event.policyCommit.map { HTML.code(String($0.prefix(7))) } ?? "-",
          event.status == "ok"
            ? HTML.badge(true, "ok")
            : HTML.badge(false, event.status) + "<br>"
              + event.problems.map(HTML.escape).joined(separator: "<br>"),
        ]
      })
    for version in artifact.versions { self.version(version, of: artifact.name, into: &page) }
  }

  private static func version(
    _ version: AuditSummary.VersionLineage, of artifact: String, into page: inout HTMLPage
  ) {
    page.heading("\(artifact) \(version.version)", level: 3)
    let data =
      version.data.isEmpty
      ? "<span class=\"note\">none recorded</span>"
      : version.data.map {
        "\(HTML.code($0.path)) \(HTML.code($0.digest)) <span class=\"note\">(read by \(HTML.escape($0.stage)))</span>"
      }.joined(separator: "<br>")
    let metrics = version.metrics.sorted { $0.key < $1.key }
      .map { "\(HTML.escape($0.key)) = \(HTML.escape($0.value))" }.joined(separator: "<br>")
    page.table(
      headers: ["Fact", "From the Git objects"],
      rows: [
        [
          "Stages held",
          HTML.escape(version.stages.isEmpty ? "none" : version.stages.joined(separator: ", ")),
        ],
        [
          "Digest",
          version.digest.map(HTML.code) ?? "<span class=\"bad\">no pointer at the commit</span>",
        ],
        ["Commit", HTML.code(version.commit)],
        ["Producing run", version.run.map(HTML.code) ?? "-"],
        ["Metrics (mlx.lock)", metrics.isEmpty ? "-" : metrics],
        ["Training data", data],
        [
          "Lineage",
          HTML.badge(
            version.verified,
            version.verified ? "complete (\(version.nodes) nodes verified)" : "broken")
            + (version.breaks.isEmpty
              ? "" : "<br>" + version.breaks.map(HTML.escape).joined(separator: "<br>")),
        ],
      ] + (version.lockProblem.map { [["mlx.lock", HTML.badge(false, $0)]] } ?? []))
    if !version.gates.isEmpty {
      page.table(
        headers: ["Gate", "Stage", "Tag", "Result"],
        rows: version.gates.map { gate in
          [
            HTML.code(gate.gate), HTML.escape(gate.stage), HTML.code(gate.tag),
            HTML.badge(gate.passed, gate.passed ? "passed" : "failed") + " "
              + HTML.escape(gate.detail),
          ]
        })
    }
    if !version.approvals.isEmpty {
      page.table(
        headers: ["Approval for", "Approver", "Time", "Signature"],
        rows: version.approvals.map { approval in
          [
            HTML.escape(approval.stage), HTML.escape(approval.approver),
            HTML.escape(Timestamp.format(approval.time)),
            HTML.badge(approval.signed, approval.signed ? "valid" : "not valid"),
          ]
        })
    }
    if let graph = version.graph {
      page.figure(LineageSVG.render(graph, title: "Lineage of \(artifact) \(version.version)"))
    }
  }
}
