import Foundation

/// `mlx audit report`: per artifact, every promotion with its signer and verification, and
/// how complete the lineage of each promoted version is.
public struct AuditSummary: Codable, Sendable {
  public struct Promotion: Codable, Sendable {
    public let tag: String
    public let event: String
    public let stage: String?
    public let version: String?
    public let time: Date
    public let signer: String
    public let signature: String
    public let status: String
    public let problems: [String]
  }

  public struct VersionLineage: Codable, Sendable {
    public let version: String
    public let stages: [String]
    public let verified: Bool
    public let nodes: Int
    public let breaks: [String]
  }

  public struct Artifact: Codable, Sendable {
    public let name: String
    /// Current stage holders.
    public let stages: [String: String]
    public let promotions: [Promotion]
    public let versions: [VersionLineage]
  }

  public let generatedAt: Date
  public let artifacts: [Artifact]
  /// The ref the policy was read from, and whether it is a trusted one.
  public let trustedRef: String?
  public let policyIsTrusted: Bool
  /// Commits on the trusted ref that changed the policy or the allowed signers.
  public let policyChanges: [PolicyHistory.Change]

  /// Events with problems plus versions whose lineage is broken.
  public var problems: Int {
    artifacts.reduce(0) { total, artifact in
      total + artifact.promotions.filter { $0.status != "ok" }.count
        + artifact.versions.filter { !$0.verified }.count
    } + (policyIsTrusted || policyChanges.isEmpty ? 0 : 1)
  }
}

/// Renders an audit summary as a self-contained HTML page.
public enum AuditReportHTML {
  public static func render(_ summary: AuditSummary, repository: String) -> String {
    func escape(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    func badge(_ ok: Bool, _ text: String) -> String {
      "<span class=\"\(ok ? "ok" : "bad")\">\(escape(text))</span>"
    }
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>mlx audit report</title>
      <style>
      body{font-family:system-ui,sans-serif;margin:2em;color:#222}
      table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
      th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
      th{background:#f3f3f3} .ok{color:#176d17;font-weight:bold} .bad{color:#b00;font-weight:bold}
      code{font-size:.85em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
      </style></head><body>
      <h1>mlx audit report</h1>
      <p>Repository <code>\(escape(repository))</code>, generated \(escape(Timestamp.format(summary.generatedAt))).
      \(summary.problems == 0 ? badge(true, "No problems found.") : badge(false, "\(summary.problems) problem(s) found."))</p>

      """
    html += "<h2>Policy</h2>\n<p>Read from <code>\(escape(summary.trustedRef ?? "nothing"))</code>"
    html +=
      summary.policyIsTrusted
      ? ".</p>\n" : " " + badge(false, "(no trusted ref: nothing can be trusted)") + "</p>\n"
    html +=
      "<table><tr><th>Commit</th><th>Time</th><th>Author</th><th>Files</th><th>Signature</th></tr>\n"
    for change in summary.policyChanges {
      let signed = change.signature.status == .valid && !change.signature.principals.isEmpty
      html +=
        "<tr><td><code>\(escape(String(change.commit.prefix(12))))</code></td><td>\(escape(Timestamp.format(change.time)))</td>"
        + "<td>\(escape("\(change.author.name) <\(change.author.email)>"))</td><td>\(escape(change.files.joined(separator: ", ")))</td>"
        + "<td>\(badge(signed, signed ? "signed by \(change.signature.principals.joined(separator: ", "))" : change.signature.status.rawValue))</td></tr>\n"
    }
    html += "</table>\n"
    for artifact in summary.artifacts {
      html += "<h2>\(escape(artifact.name))</h2>\n<p>Current stages: "
      html +=
        artifact.stages.isEmpty
        ? "none"
        : artifact.stages.sorted { $0.key < $1.key }
          .map { "<b>\(escape($0.key))</b> \(escape($0.value))" }.joined(separator: ", ")
      html +=
        "</p>\n<h3>Registry events</h3>\n<table><tr><th>Time</th><th>Tag</th><th>Event</th><th>Version</th><th>Stage</th><th>Signer</th><th>Signature</th><th>Status</th></tr>\n"
      for promotion in artifact.promotions {
        let status =
          promotion.status == "ok"
          ? badge(true, "ok")
          : badge(false, promotion.status) + "<br>"
            + promotion.problems.map(escape).joined(separator: "<br>")
        html +=
          "<tr><td>\(escape(Timestamp.format(promotion.time)))</td><td><code>\(escape(promotion.tag))</code></td><td>\(escape(promotion.event))</td><td>\(escape(promotion.version ?? "-"))</td><td>\(escape(promotion.stage ?? "-"))</td><td>\(escape(promotion.signer))</td><td>\(escape(promotion.signature))</td><td>\(status)</td></tr>\n"
      }
      html +=
        "</table>\n<h3>Lineage of promoted versions</h3>\n<table><tr><th>Version</th><th>Stages held</th><th>Lineage</th><th>Breaks</th></tr>\n"
      for version in artifact.versions {
        html +=
          "<tr><td>\(escape(version.version))</td><td>\(escape(version.stages.joined(separator: ", ")))</td><td>\(badge(version.verified, version.verified ? "complete (\(version.nodes) nodes verified)" : "broken"))</td><td>\(version.breaks.map(escape).joined(separator: "<br>"))</td></tr>\n"
      }
      html += "</table>\n"
    }
    html += "</body></html>\n"
    return html
  }
}
