import Foundation

/// The work tree a pipeline runs in: ``PipelineRunner`` stores and restores stage outputs
/// with the same code as `mlx add` and `mlx checkout`.
extension Workspace: PipelineWorkTree {
  /// The lock-file entry for a path as it is now (file or directory), or nil when missing.
  func entry(for path: String, statCache: inout StatCache) throws -> LockFile.Entry? {
    guard let status = try FileStatus.of(absolute(path)) else { return nil }
    let content = try currentContent(
      of: path, asDirectory: status.kind == .directory, statCache: &statCache)
    switch content {
    case .file(let digest, let status):
      return LockFile.Entry(path: path, digest: digest, size: status.size, files: nil)
    case .directory(let manifest):
      return LockFile.Entry(
        path: path, digest: manifest.digest, size: manifest.totalSize, files: manifest.entries.count
      )
    case .missing, .otherKind:
      return nil
    }
  }

  func trackOutputs(_ outputs: [Stage.Output], of stage: String) throws -> [LockFile.Entry] {
    let existing = try artifacts()
    var targets: [AddTarget] = []
    for output in outputs {
      guard try FileStatus.of(absolute(output.path)) != nil else {
        throw PipelineError.missingOutput(stage: stage, path: output.path)
      }
      var target = try AddTarget.check(
        output.path, shownAs: output.path, existing: existing, in: location)
      target.kind = output.kind
      targets.append(target)
    }
    let summary = try track(targets, progress: SilentProgress())
    return summary.results.map { result in
      LockFile.Entry(
        path: result.artifact.path, digest: result.artifact.pointer.digest,
        size: result.artifact.pointer.size, files: result.artifact.pointer.fileCount)
    }
  }

  func restoreOutputs(
    _ outputs: [(entry: LockFile.Entry, kind: ArtifactKind?)], of stage: String,
    statCache: inout StatCache
  ) throws {
    var artifacts: [TrackedArtifact] = []
    var plainFiles: [WorkTreeWriter.File] = []
    for (entry, kind) in outputs {
      if let kind {
        artifacts.append(try adoptOutput(entry, kind: kind))
      } else {
        plainFiles.append(
          .init(path: entry.path, digest: entry.digest, size: entry.size, isExecutable: false))
      }
    }
    let report = try restore(
      artifacts, force: true, statCache: &statCache, progress: SilentProgress())
    if let problem = report.failed.first ?? report.refused.first {
      throw PipelineError.restoreFailed(stage: stage, path: problem.path, reason: problem.reason)
    }
    _ = try workTreeWriter().write(plainFiles, statCache: &statCache, progress: SilentProgress())
  }

  /// Writes the pointer and `.gitignore` line of a pipeline output and stages them.
  func adoptOutput(_ entry: LockFile.Entry, kind: ArtifactKind) throws -> TrackedArtifact {
    let name = String(entry.path.split(separator: "/").last ?? Substring(entry.path))
    var pointer = PointerFile(
      kind: kind, path: name, digest: entry.digest, size: entry.size, fileCount: entry.files)
    let pointerPath = entry.path + PointerFile.suffix
    // A feature set keeps its definition file across runs, as across re-adds.
    if kind == .features { pointer.features = try? readPointer(at: pointerPath)?.pointer.features }
    try FileSystem.write(
      Array(pointer.encoded.utf8), atomicallyTo: absolute(pointerPath),
      temporaryDirectory: temporaryDirectory)
    let ignorePath = FileSystem.join(FileSystem.parent(of: entry.path), ".gitignore")
    _ = try GitIgnoreFile.add(
      name, to: absolute(ignorePath), temporaryDirectory: temporaryDirectory)
    try repository.stage([pointerPath, ignorePath])
    return TrackedArtifact(path: entry.path, pointerPath: pointerPath, pointer: pointer)
  }
}
