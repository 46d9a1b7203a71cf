/// How one tracked artifact stands.
public struct ArtifactStatus: Codable, Sendable, Equatable {
  /// The work tree compared with the pointer.
  public enum State: String, Codable, Sendable {
    /// The work tree holds exactly what the pointer records.
    case unchanged
    /// The work tree holds something else (or a file where a directory was tracked).
    case modified
    /// Nothing is at the path; `mlx checkout` restores it.
    case deleted
  }

  /// The pointer file compared with Git.
  public enum PointerState: String, Codable, Sendable {
    /// Committed, with no change since.
    case committed
    /// New or changed, and staged.
    case staged
    /// Changed since it was staged or committed.
    case modified
    /// Not in Git's index at all.
    case untracked
    /// Deleted from the work tree; Git's index still has it and `mlx checkout` restores it.
    case deleted
  }

  public let path: String
  public let pointer: String
  public let kind: ArtifactKind
  public let digest: String
  public let state: State
  /// Whether the object store holds the content the pointer records.
  public let cached: Bool
  public let pointerState: PointerState
  /// For a modified directory: which files differ from the pointer's version (nil when the
  /// stored manifest is not available).
  public let changes: FileChanges?

  /// True when the pointer is new or changed compared with the last commit.
  public var needsCommit: Bool { pointerState != .committed }
}

/// What `mlx status` found: every artifact's state, the pointers that could not be read, and
/// the pipeline stages that are not up to date.
public struct StatusReport: Codable, Sendable {
  /// A stage `mlx run` would run or restore, and why (as `mlx run --dry-run` says).
  public struct StaleStage: Codable, Sendable, Equatable {
    public let name: String
    /// `run` or `restore`.
    public let action: String
    public let reason: String
  }

  public var artifacts: [ArtifactStatus] = []
  /// One line per pointer that does not parse (or names a schema outside the repository),
  /// naming the file and the fix.
  public var unreadablePointers: [String] = []
  public var stages: [StaleStage] = []
  /// Why the pipeline could not be checked (`mlx.yaml` or `mlx.lock` does not parse).
  public var pipelineProblem: String?
}

extension Workspace {
  /// The state of every tracked artifact, or of those named. Unchanged files cost a `stat`
  /// each; only files whose `stat` data changed are hashed. A pointer that cannot be read is
  /// reported on its own, and every other artifact is still shown.
  public func status(of userPaths: [String] = []) throws -> StatusReport {
    let statCacheLoad = StatCacheLoad(from: statCachePath)
    let scan = try scanArtifacts(named: userPaths)
    let artifacts = scan.artifacts
    let gitStates = try repository.changedFiles(matching: "*" + PointerFile.suffix)
    var statCache = statCacheLoad.wait()
    var result: [ArtifactStatus] = []
    var problems = scan.unreadable.map(\.error.description)
    for artifact in artifacts {
      let pointer = artifact.pointer
      // A schema outside the repository makes every `mlx add` of the artifact fail: said now.
      if let schema = pointer.schema {
        do { _ = try resolvedSchema(schema, ofArtifact: artifact.path) } catch {
          problems.append(error.description)
        }
      }
      let content = try currentContent(
        of: artifact.path, asDirectory: pointer.isDirectory, statCache: &statCache)
      let state: ArtifactStatus.State
      var changes: FileChanges?
      switch content {
      case .missing:
        state = .deleted
      case _ where content.digest == pointer.digest:
        state = .unchanged
      case .directory(let current):
        state = .modified
        if let recorded = try storedManifest(pointer.digest, for: artifact.path) {
          changes = FileChanges(from: recorded, to: current)
        }
      default:
        state = .modified
      }
      var pointerState: ArtifactStatus.PointerState =
        switch gitStates[artifact.pointerPath] {
        case nil: .committed
        case .untracked: .untracked
        case .modified, .deleted: .modified
        case .staged, .committed: .staged
        }
      if artifact.pointerIsMissing { pointerState = .deleted }
      result.append(
        ArtifactStatus(
          path: artifact.path, pointer: artifact.pointerPath, kind: pointer.kind,
          digest: pointer.digest.description, state: state,
          cached: try store().contains(pointer.digest), pointerState: pointerState,
          changes: changes))
    }
    // Saving what was hashed makes the next status free; losing a race here only costs time.
    try? FileSystem.createDirectories(temporaryDirectory)
    try? statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    var report = StatusReport(artifacts: result, unreadablePointers: problems)
    if userPaths.isEmpty { (report.stages, report.pipelineProblem) = staleStages() }
    return report
  }

  /// The stages `mlx run` would run or restore, from a dry run, as `dvc status` lists changed
  /// stages; none without `mlx.yaml`.
  private func staleStages() -> ([StatusReport.StaleStage], String?) {
    guard (try? FileStatus.of(absolute(PipelineSpec.fileName))) != nil else { return ([], nil) }
    // An `mlx.yaml` that does not parse is a problem to report; a plan that cannot be made
    // (a dependency deleted, say) is part of the story, not an error of `status`.
    do { _ = try pipeline() } catch { return ([], "\(error)") }
    var options = RunOptions()
    options.dryRun = true
    do {
      let plan = try run(options) { _ in }
      var stale = plan.stages.compactMap { stage -> StatusReport.StaleStage? in
        switch stage.status {
        case .ran: .init(name: stage.name, action: "run", reason: stage.reason)
        case .restored: .init(name: stage.name, action: "restore", reason: stage.reason)
        default: nil
        }
      }
      if let error = plan.error {
        stale.append(.init(name: "mlx run", action: "fail", reason: error))
      }
      return (stale, nil)
    } catch {
      return ([.init(name: "mlx run", action: "fail", reason: "\(error)")], nil)
    }
  }
}
