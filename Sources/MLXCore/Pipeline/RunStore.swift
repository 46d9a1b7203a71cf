import Foundation

/// Run records as Git commits under `refs/mlx/runs/<id>`, written and read through libgit2.
///
/// Each commit's tree holds one file, `run.json` (the ``RunRecord``); its parent is the code
/// commit the run used, so `git log refs/mlx/runs/<id>` shows the code's history and
/// `git push origin 'refs/mlx/*'` shares runs with everyone. The commit message is a one-line
/// summary followed by `Key: value` trailers that `git log` shows without parsing JSON.
struct RunStore {
  static let namespace = "refs/mlx/runs/"
  static let recordFile = "run.json"

  let repository: Repository

  /// Writes the record and its reference; returns the commit id.
  @discardableResult
  func save(_ record: RunRecord) throws -> GitOID {
    let json = try RunRecord.encoder().encode(record)
    let status =
      record.exitStatus == 0 ? "succeeded" : "failed with exit status \(record.exitStatus)"
    let executed = record.executedStages
    var message =
      "mlx run \(record.id): \(executed.isEmpty ? "no stage ran" : executed.joined(separator: ", ")) (\(status))\n\n"
    message += "Run-Id: \(record.id)\n"
    message +=
      "Stages: \(record.stages.map { "\($0.name)=\($0.status.rawValue)" }.joined(separator: " "))\n"
    message += "Exit-Status: \(record.exitStatus)\n"
    message += "Code-Commit: \(record.code.commit ?? "none")\n"
    message += "Dirty: \(record.code.dirty)\n"
    message += "Host: \(record.platform.host)\n"
    return try repository.writeCommit(
      files: [(Self.recordFile, Array(json))], message: message, author: record.user,
      time: Int64(record.endedAt.timeIntervalSince1970),
      parent: record.code.commit.flatMap(GitOID.init(hex:)),
      reference: Self.namespace + record.id)
  }

  /// Every run id, newest first (ids sort by time).
  func ids() throws -> [String] {
    try ReferenceListCache.references(
      in: repository, namespace: Self.namespace, cacheName: "run-refs-cache"
    )
    .map { String($0.name.dropFirst(Self.namespace.count)) }
    .sorted(by: >)
  }

  /// The full id for `prefix` (a whole id or its first characters).
  func resolve(_ prefix: String) throws -> String {
    let matches = try ids().filter { $0.hasPrefix(prefix) || $0.hasSuffix(prefix) }
    if matches.count == 1 { return matches[0] }
    if matches.contains(prefix) { return prefix }
    if matches.isEmpty { throw PipelineError.unknownRun(prefix) }
    throw PipelineError.ambiguousRun(prefix, matches: matches)
  }

  /// The run `name` names, or nil when it names none; a name several runs share is an error
  /// unless it is also a revision (`isRevision`), which then wins.
  func resolveIfRun(_ name: String, isRevision: () -> Bool) throws -> String? {
    do {
      return try resolve(name)
    } catch PipelineError.unknownRun {
      return nil
    } catch PipelineError.ambiguousRun where isRevision() {
      return nil
    }
  }

  /// The record of run `id` (exact).
  func load(_ id: String) throws -> RunRecord {
    guard let commit = try repository.resolveReference(Self.namespace + id),
      let bytes = try repository.file(Self.recordFile, inCommit: commit)
    else { throw PipelineError.unknownRun(id) }
    do {
      return try RunRecord.decoder().decode(RunRecord.self, from: Data(bytes))
    } catch {
      throw PipelineError.malformed(
        path: "\(Self.namespace)\(id):\(Self.recordFile)", line: nil, stage: nil,
        problem: "the run record cannot be read (\(error)); it may have been edited by hand")
    }
  }

  /// Every record, newest first (by start time, then id).
  func all() throws -> [RunRecord] {
    try ids().map(load).sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
  }
}
