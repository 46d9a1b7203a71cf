/// The stages in dependency order: a stage runs after every stage that writes something it
/// reads.
public struct StageGraph: Sendable {
  public let spec: PipelineSpec
  /// Stage names in an order where each stage follows the stages it depends on; among
  /// independent stages, declaration order.
  public let order: [String]
  /// For each stage, the stages that write its dependencies.
  public let upstream: [String: Set<String>]

  /// Checks outputs and builds the graph.
  /// - Throws: ``PipelineError/duplicateOutput(path:stages:)`` when two stages write the same
  ///   path, ``PipelineError/cycle(_:)`` when stages depend on each other in a circle.
  public init(_ spec: PipelineSpec) throws(PipelineError) {
    self.spec = spec
    var writers: [(path: String, stage: String)] = []
    for stage in spec.stages {
      for path in stage.writtenPaths {
        if let other = writers.first(where: { Self.overlaps($0.path, path) }) {
          throw .duplicateOutput(path: path, stages: [other.stage, stage.name])
        }
        writers.append((path, stage.name))
      }
    }
    var upstream: [String: Set<String>] = [:]
    for stage in spec.stages {
      var sources: Set<String> = []
      for dependency in stage.dependencies + stage.params.map(\.file) {
        for writer in writers where Self.overlaps(writer.path, dependency) {
          sources.insert(writer.stage)
        }
      }
      upstream[stage.name] = sources
    }
    self.upstream = upstream
    order = try Self.topologicalOrder(spec.stages.map(\.name), upstream: upstream)
  }

  /// Whether one path is the other or lies inside it.
  static func overlaps(_ a: String, _ b: String) -> Bool {
    a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/")
  }

  private static func topologicalOrder(
    _ names: [String], upstream: [String: Set<String>]
  ) throws(PipelineError) -> [String] {
    enum Mark { case visiting, done }
    var marks: [String: Mark] = [:]
    var order: [String] = []
    var path: [String] = []
    func visit(_ name: String) throws(PipelineError) {
      if marks[name] == .done { return }
      if marks[name] == .visiting {
        let start = path.firstIndex(of: name) ?? 0
        throw .cycle(Array(path[start...]) + [name])
      }
      marks[name] = .visiting
      path.append(name)
      for source in names where upstream[name]?.contains(source) == true {
        try visit(source)
      }
      path.removeLast()
      marks[name] = .done
      order.append(name)
    }
    for name in names { try visit(name) }
    return order
  }

  /// `names` and every stage they depend on, directly or not, in run order.
  public func withUpstream(_ names: Set<String>) -> [String] {
    var selected = names
    var frontier = Array(names)
    while let next = frontier.popLast() {
      for source in upstream[next] ?? [] where selected.insert(source).inserted {
        frontier.append(source)
      }
    }
    return order.filter(selected.contains)
  }

  /// Whether `stage` depends, directly or not, on `other`.
  public func dependsOn(_ stage: String, _ other: String) -> Bool {
    withUpstream([stage]).contains(other) && stage != other
  }
}
