import Foundation

extension Workspace {
  // MARK: - Comparing params and metrics

  /// Metric values that differ between two sides: each a revision, a run id, or (nil) HEAD
  /// for the first and the work tree for the second.
  public func metricsDiff(from old: String?, to new: String?) throws -> ValueComparison {
    try compare(old, new) { try self.values(kind: .metrics, at: $0) }
  }

  /// The metric values at one side: the work tree (nil), a revision or a run id.
  func metricValues(at name: String?) throws -> [String: [String: ParamValue]] {
    guard let name else { return try values(kind: .metrics, at: .workTree) }
    guard let side = try side(name, headMayBeUnborn: false) else { return [:] }
    return try values(kind: .metrics, at: side)
  }

  /// Param values that differ between two sides, named as for ``metricsDiff(from:to:)``.
  public func paramsDiff(from old: String?, to new: String?) throws -> ValueComparison {
    try compare(old, new) { try self.values(kind: .params, at: $0) }
  }

  /// One side of a comparison.
  private enum Side {
    case workTree
    case revision(String)
    case run(RunRecord)

    var name: String {
      switch self {
      case .workTree: Workspace.workTreeName
      case .revision(let revision): revision
      case .run(let record): "run \(record.id)"
      }
    }
  }

  private func compare(
    _ old: String?, _ new: String?,
    values: (Side) throws -> [String: [String: ParamValue]]
  ) throws -> ValueComparison {
    let before = try side(old ?? "HEAD", headMayBeUnborn: old == nil)
    let after: Side = try new.flatMap { try side($0, headMayBeUnborn: false) } ?? .workTree
    return ValueComparison(
      from: before?.name ?? "empty", to: after.name, old: try before.map(values) ?? [:],
      new: try values(after))
  }

  /// A revision or run id as a side; nil for HEAD before the first commit.
  private func side(_ name: String, headMayBeUnborn: Bool) throws -> Side? {
    if headMayBeUnborn, try repository.headCommit() == nil { return nil }
    let runs = RunStore(repository: repository)
    if let id = try runs.resolveIfRun(name, isRevision: { (try? repository.commit(name)) != nil }) {
      return .run(try runs.load(id))
    }
    do {
      _ = try repository.commit(name)
    } catch {
      throw WorkspaceError.unknownRevision(revision: name)
    }
    return .revision(name)
  }

  private func values(kind: ValuesKind, at side: Side) throws -> [String: [String: ParamValue]] {
    switch side {
    case .run(let record):
      return try record.values(kind)
    case .revision(let revision):
      let commit = try repository.commit(revision)
      return try PipelineSpec.values(kind) { path in
        try self.repository.file(path, inCommit: commit).map { String(decoding: $0, as: UTF8.self) }
      }
    case .workTree:
      return try PipelineSpec.values(kind) { try FileSystem.readTextIfPresent(self.absolute($0)) }
    }
  }
}
