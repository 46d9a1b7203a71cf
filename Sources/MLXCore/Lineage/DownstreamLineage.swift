import Foundation

/// Walks downstream from one piece of content to everything that consumed it, directly or
/// through other stages: runs (from every run record), the artifacts they wrote, the model
/// versions registered with those bytes and their registry events, and stages recorded in
/// `mlx.lock` on any branch whose run is not recorded.
struct DownstreamLineage {
  /// A registered version's bytes and its registry events.
  struct RegisteredContent {
    /// `ARTIFACT@VERSION`.
    let name: String
    let digest: ObjectID
    let events: [RegistryEvent]
  }

  let repository: Repository
  let index: RunIndex
  let versions: [RegisteredContent]

  func graph(from path: String, digest: ObjectID) throws -> LineageGraph {
    var graph = LineageGraph(direction: .downstream, root: "artifact:\(path)@\(digest)")
    graph.add(
      LineageNode(
        id: graph.root, kind: .artifact, title: path,
        fields: [("path", path), ("digest", digest.description)]))
    var reached: [ObjectID: String] = [digest: graph.root]
    var queue = [digest]
    while let current = queue.popLast() {
      for run in index.runs {
        for stage in run.stages
        where stage.wroteOutputs && stage.deps.contains(where: { $0.digest == current }) {
          let runID = "run:\(run.id):\(stage.name)"
          graph.add(
            LineageNode(
              id: runID, kind: .run, title: "run \(run.id) (\(stage.name))",
              fields: [
                ("run", run.id), ("stage", stage.name), ("by", run.user),
                ("started", Timestamp.format(Date(timeIntervalSince1970: run.startedAt))),
                ("code", RunRecord.CodeState.summary(commit: run.codeCommit, dirty: run.dirty)),
              ]))
          graph.link(reached[current]!, runID, "used by")
          for out in stage.outs {
            let outID = "artifact:\(out.path)@\(out.digest)"
            graph.add(
              LineageNode(
                id: outID, kind: .artifact, title: out.path,
                fields: [("path", out.path), ("digest", out.digest.description)]))
            graph.link(runID, outID, "wrote")
            if reached[out.digest] == nil {
              reached[out.digest] = outID
              queue.append(out.digest)
            }
          }
        }
      }
    }
    addRegisteredVersions(reaching: reached, to: &graph)
    try addBranchStages(reaching: reached, to: &graph)
    graph.summary = DownstreamSummary(graph)
    return graph
  }

  /// Model versions whose registered bytes were reached, with their registry events.
  private func addRegisteredVersions(
    reaching reached: [ObjectID: String], to graph: inout LineageGraph
  ) {
    for version in versions {
      guard let from = reached[version.digest] else { continue }
      let versionID = "version:\(version.name)"
      graph.add(
        LineageNode(
          id: versionID, kind: .version, title: version.name,
          fields: [("version", version.name), ("digest", version.digest.description)]))
      graph.link(from, versionID, "registered as")
      for event in version.events {
        let eventID = "event:\(event.tag)"
        graph.add(
          LineageNode(
            id: eventID, kind: .event, title: event.tag,
            fields: [
              ("event", event.kind.rawValue), ("by", event.tagger.email),
              ("at", Timestamp.format(event.time)),
            ]
              + (event.stage.map { [("stage", $0)] } ?? [])))
        graph.link(versionID, eventID, event.kind.rawValue)
      }
    }
  }

  /// Stages in `mlx.lock` at every branch head that read reached content, when their run is
  /// not recorded (runs that are recorded are already in the graph).
  private func addBranchStages(
    reaching reached: [ObjectID: String], to graph: inout LineageGraph
  ) throws {
    let known = Set(index.runs.map(\.id))
    for (branch, commit) in try repository.references(matching: "refs/heads/*") {
      // A branch whose mlx.lock does not parse records no stage this walk can show.
      guard case .success(let lock) = try repository.lockFile(inCommit: commit) else { continue }
      for (name, state) in lock.stages.sorted(by: { $0.key < $1.key }) {
        guard let dep = state.deps.first(where: { reached[$0.digest] != nil }) else { continue }
        if let run = state.run, known.contains(run) { continue }
        let id = "stage:\(branch):\(name)"
        graph.add(
          LineageNode(
            id: id, kind: .run,
            title: "stage \(name) on \(branch.replacingOccurrences(of: "refs/heads/", with: ""))",
            fields: [("commit", commit.hex), ("run", state.run ?? "none recorded")],
            status: .unverified))
        graph.link(reached[dep.digest]!, id, "used by")
      }
    }
  }
}
