import Foundation

/// What `mlx report runs` shows: the metrics of every run, in the order they ran, and of
/// every registered version of each artifact, in version order, with the stages each holds.
public struct RunsReport: Codable, Sendable {
  public struct Run: Codable, Sendable {
    public let id: String
    public let startedAt: Date
    /// The code commit (short) and whether the work tree was dirty.
    public let commit: String?
    public let dirty: Bool
    public let exitStatus: Int32
    /// Flattened metric keys (`accuracy`, `loss.final`) to numbers.
    public let metrics: [String: Double]
  }

  public struct Version: Codable, Sendable {
    public let version: String
    public let commit: String
    /// Stages the version holds now.
    public let stages: [String]
    /// The metrics `mlx.lock` records at the version's commit.
    public let metrics: [String: Double]
    /// The run `mlx.lock` names for the artifact there.
    public let run: String?
  }

  public struct Artifact: Codable, Sendable {
    public let name: String
    /// Oldest (lowest) version first.
    public let versions: [Version]
  }

  public let generatedAt: Date
  public let repository: String
  /// Oldest first.
  public let runs: [Run]
  public let artifacts: [Artifact]
  /// The metrics charted, sorted.
  public let metrics: [String]

  public init(
    generatedAt: Date, repository: String, runs: [Run], artifacts: [Artifact], metrics: [String]
  ) {
    (self.generatedAt, self.repository, self.runs, self.artifacts, self.metrics) = (
      generatedAt, repository, runs, artifacts, metrics
    )
  }

  /// Every metric any run or version records, sorted.
  public static func metricNames(runs: [Run], artifacts: [Artifact]) -> [String] {
    Set(runs.flatMap(\.metrics.keys) + artifacts.flatMap { $0.versions.flatMap(\.metrics.keys) })
      .sorted()
  }

  /// Numbers out of recorded values, keyed by dotted name: `{"metrics.json": {"acc": 0.9}}`
  /// gives `acc`; values that are not numbers are left out.
  public static func numbers(_ groups: [String: [String: ParamValue]]) -> [String: Double] {
    var result: [String: Double] = [:]
    for file in groups.keys.sorted() {
      for (key, value) in groups[file]! { if let number = value.number { result[key] = number } }
    }
    return result
  }
}

/// Renders ``RunsReport`` as one self-contained page.
public enum RunsReportHTML {
  public static func render(_ report: RunsReport) -> String {
    var page = HTMLPage(title: "mlx runs report")
    page.paragraph(
      html:
        "Repository \(HTML.code(report.repository)), generated \(HTML.escape(Timestamp.format(report.generatedAt))): "
        + "\(report.runs.count) run(s), \(report.artifacts.reduce(0) { $0 + $1.versions.count }) registered version(s), "
        + "metrics \(report.metrics.isEmpty ? "none" : report.metrics.map(HTML.code).joined(separator: ", "))."
    )
    page.heading("Metrics across runs")
    if report.runs.isEmpty {
      page.paragraph(
        "No runs recorded yet; `mlx run` records one each time a stage runs.", note: true)
    } else {
      // A run id's random tail tells runs apart; the table below gives the whole id.
      let labels = report.runs.map { String($0.id.split(separator: "-").last ?? Substring($0.id)) }
      for metric in report.metrics where report.runs.contains(where: { $0.metrics[metric] != nil })
      {
        page.figure(
          SVGChart.line(
            title: "\(metric) by run", xLabels: labels,
            series: [.init(name: metric, values: report.runs.map { $0.metrics[metric] })],
            yLabel: metric))
      }
      page.table(
        headers: ["Run", "Started", "Commit", "Status"] + report.metrics,
        rows: report.runs.map { run in
          [
            HTML.code(run.id), HTML.escape(Timestamp.format(run.startedAt)),
            run.commit.map { HTML.code($0 + (run.dirty ? "*" : "")) } ?? "-",
            HTML.badge(run.exitStatus == 0, run.exitStatus == 0 ? "ok" : "exit \(run.exitStatus)"),
          ] + report.metrics.map { run.metrics[$0].map(HTML.number) ?? "-" }
        })
    }
    page.heading("Metrics across registered versions")
    if report.artifacts.isEmpty {
      page.paragraph("No registered versions; `mlx register` records one.", note: true)
    }
    for artifact in report.artifacts {
      page.heading(artifact.name, level: 3)
      var notes: [Int: String] = [:]
      for (index, version) in artifact.versions.enumerated() where !version.stages.isEmpty {
        notes[index] = version.stages.joined(separator: ", ")
      }
      for metric in report.metrics
      where artifact.versions.contains(where: { $0.metrics[metric] != nil }) {
        page.figure(
          SVGChart.line(
            title: "\(artifact.name): \(metric) by version",
            xLabels: artifact.versions.map(\.version),
            series: [.init(name: metric, values: artifact.versions.map { $0.metrics[metric] })],
            yLabel: metric, notes: notes))
      }
      page.table(
        headers: ["Version", "Stages", "Commit", "Run"] + report.metrics,
        rows: artifact.versions.map { version in
          [
            HTML.escape(version.version),
            version.stages.isEmpty
              ? "-" : "<b>\(HTML.escape(version.stages.joined(separator: ", ")))</b>",
            HTML.code(String(version.commit.prefix(12))), version.run.map(HTML.code) ?? "-",
          ] + report.metrics.map { version.metrics[$0].map(HTML.number) ?? "-" }
        })
    }
    return page.render()
  }
}
