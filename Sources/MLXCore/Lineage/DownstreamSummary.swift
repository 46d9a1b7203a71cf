/// What a downstream walk reached, counted: the answer to "which versions, stages and runs
/// used this data?" without reading the whole tree.
public struct DownstreamSummary: Codable, Sendable, Equatable {
  /// One registered version reached, with every stage it was ever assigned and whether it was
  /// deprecated or deregistered since.
  public struct Version: Codable, Sendable, Equatable {
    public let name: String
    public let stages: [String]
    public let events: Int
    public let retired: Bool
  }

  public let versions: [Version]
  /// Recorded runs (distinct run ids) and the stage names they ran.
  public let runs: Int
  public let stages: [String]
  /// Artifacts those runs wrote.
  public let artifacts: Int
  /// Stages in a branch's `mlx.lock` that read the data but whose run is not recorded.
  public let unrecordedStages: Int

  /// Counts the nodes of a downstream graph.
  init(_ graph: LineageGraph) {
    var versions: [Version] = []
    for node in graph.nodes where node.kind == .version {
      let events = graph.children(of: node.id).compactMap { graph.node($0.to) }
      let assigned = events.filter { $0.field("event") == "assignment" }.compactMap {
        $0.field("stage")
      }
      let retired = events.contains {
        ["deprecation", "deregistration"].contains($0.field("event") ?? "")
      }
      versions.append(
        Version(
          name: node.title, stages: Array(Set(assigned)).sorted(), events: events.count,
          retired: retired))
    }
    self.versions = versions.sorted { $0.name < $1.name }
    let recorded = graph.nodes.filter { $0.kind == .run && $0.id.hasPrefix("run:") }
    runs = Set(recorded.compactMap { $0.field("run") }).count
    stages = Array(Set(recorded.compactMap { $0.field("stage") })).sorted()
    artifacts = graph.nodes.filter { $0.kind == .artifact && $0.id != graph.root }.count
    unrecordedStages = graph.nodes.filter { $0.kind == .run && $0.id.hasPrefix("stage:") }.count
  }

  /// The lines `mlx lineage --downstream` ends with.
  var lines: [String] {
    func plural(_ count: Int, _ word: String) -> String {
      "\(count) \(word)\(count == 1 ? "" : "s")"
    }
    var head =
      "Used by \(plural(runs, "run"))"
      + (stages.isEmpty ? "" : " (stages \(stages.joined(separator: ", ")))")
      + ", \(plural(artifacts, "artifact")) written, \(plural(versions.count, "registered version"))"
    if unrecordedStages > 0 {
      head += ", \(plural(unrecordedStages, "branch stage")) without a recorded run"
    }
    guard !versions.isEmpty else { return [head] }
    let width = max(7, versions.map(\.name.count).max() ?? 0)
    func padded(_ text: String) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }
    var lines = [head, "  \(padded("VERSION"))  STAGES ASSIGNED"]
    for version in versions {
      let stages = version.stages.isEmpty ? "-" : version.stages.joined(separator: ", ")
      lines.append(
        "  \(padded(version.name))  \(stages)\(version.retired ? " (retired since)" : "")")
    }
    return lines
  }
}
