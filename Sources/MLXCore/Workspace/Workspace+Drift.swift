/// `mlx drift`: two versions of a table compared column by column from their profiles.
extension Workspace {
  /// Compares `baseline` and `current`, each `PATH@REV` (a tracked file as recorded at a
  /// revision), or a plain CSV/TSV file (a tracked one as in the work tree, or a new batch
  /// anywhere), by the thresholds of `.mlx/policy.yaml`'s `drift:` key. Profiles already
  /// stored are reused; others are computed and stored (the data's digest names them).
  /// `schemaPath` gives plain files' column types; a revision's are inferred.
  public func drift(baseline: String, current: String, schemaPath: String?) throws
    -> DriftReport
  {
    let policy = try driftPolicy()
    let first = try driftSide(baseline, schemaPath: schemaPath)
    let second = try driftSide(current, schemaPath: schemaPath)
    return DriftReport(
      baseline: first.side, current: second.side, profiles: (first.profile, second.profile),
      policy: policy)
  }

  /// The `drift:` thresholds of the work tree's `.mlx/policy.yaml`; defaults without one.
  func driftPolicy() throws -> DriftPolicy {
    guard let text = try FileSystem.readTextIfPresent(absolute(RegistryPolicy.path)) else {
      return DriftPolicy()
    }
    return try DriftPolicy(parsingPolicy: text, path: display(RegistryPolicy.path))
  }

  /// One side: a file when `spec` names one, else `NAME#STAGE`, else `PATH@REV` split at
  /// the last `@`.
  func driftSide(_ spec: String, schemaPath: String?) throws -> (
    side: DriftReport.Side, profile: TableProfile
  ) {
    let absolutePath = spec.hasPrefix("/") ? spec : FileSystem.join(currentDirectory, spec)
    if try FileStatus.of(absolutePath) == nil, let hash = spec.firstIndex(of: "#") {
      let (path, digest, commit, version) = try trainingData(
        artifact: String(spec[..<hash]), stage: String(spec[spec.index(after: hash)...]))
      let result = try profileResult(of: absolute(path), at: commit)
      guard result.profile.digest == digest.description else {
        throw QualityError.unreadableData(
          path: spec,
          reason: "mlx.lock at commit \(commit.prefix(7)) says the model was trained on "
            + "\(path) \(digest), but the pointer there records \(result.profile.digest)")
      }
      return (
        DriftReport.Side(
          spec: spec, path: path, revision: commit, version: version,
          digest: result.profile.digest, rows: result.profile.rows),
        result.profile
      )
    }
    if try FileStatus.of(absolutePath) == nil, let at = spec.lastIndex(of: "@"),
      at != spec.startIndex
    {
      let path = String(spec[..<at])
      let revision = String(spec[spec.index(after: at)...])
      guard !revision.isEmpty else {
        throw QualityError.unreadableData(
          path: spec, reason: "names no revision after '@'; write PATH@REV, e.g. data.csv@HEAD~1")
      }
      let result = try profileResult(of: path, at: revision)
      return (
        DriftReport.Side(
          spec: spec, path: result.path, revision: revision, digest: result.profile.digest,
          rows: result.profile.rows),
        result.profile
      )
    }
    let files = try Self.dataFiles(at: spec, absolute: absolutePath, jsonLines: false)
    guard files.count == 1, let file = files.first, file.absolute == absolutePath else {
      throw QualityError.unreadableData(
        path: spec, reason: "is a directory; compare one CSV or TSV file")
    }
    let profiler = try TableProfiler(schema: schemaPath.map(loadProfileSchema))
    let (digest, _) = try ContentDigest.ofFile(at: file.absolute, displayPath: file.display)
    let stored = try storedProfile(of: digest, profiler: profiler, store: try store()) {
      (file.absolute, file.display, false)
    }
    return (
      DriftReport.Side(
        spec: spec, path: file.display, revision: nil, digest: stored.profile.digest,
        rows: stored.profile.rows),
      stored.profile
    )
  }

  /// The data file the version of `artifact` holding `stage` was trained on: the CSV/TSV
  /// input of the `mlx.lock` stage that wrote the model, at the version's registered commit.
  func trainingData(artifact: String, stage: String) throws -> (
    path: String, digest: ObjectID, commit: String, version: String
  ) {
    let reading = try registryReading()
    let snapshot = try reading.counted(all: false).snapshot
    guard snapshot.artifacts.contains(artifact) else {
      throw RegistryError.unknownArtifact(artifact, known: snapshot.artifacts)
    }
    guard let holder = snapshot.state(of: artifact).stages[stage] else {
      throw RegistryError.stageNotHeld(artifact: artifact, stage: stage)
    }
    let spec = "\(artifact)#\(stage)"
    guard
      let commit = snapshot.events.first(where: {
        $0.artifact == artifact && $0.version == holder.version && $0.kind == .registration
      })?.commit, let modelPath = try artifactPath(artifact, reading: reading, given: nil),
      let oid = GitOID(hex: commit),
      case .success(let lock)? = try repository.lockFile(inCommit: oid)
    else {
      throw QualityError.unreadableData(
        path: spec,
        reason: "\(artifact) \(holder.version) has no readable mlx.lock at its commit naming "
          + "its path, so its training data is unknown; compare PATH@REV instead")
    }
    let inputs = lock.trainingInputs(of: modelPath)
    guard inputs.count == 1, let input = inputs.first else {
      throw QualityError.unreadableData(
        path: spec,
        reason: inputs.isEmpty
          ? "no mlx.lock stage writing \(modelPath) at \(commit.prefix(7)), or upstream of it, "
            + "reads a CSV or TSV file"
          : "the stage writing \(modelPath) (or upstream) reads \(inputs.map(\.path).joined(separator: ", ")); "
            + "compare one of them as PATH@\(commit.prefix(7))")
    }
    return (input.path, input.digest, commit, holder.version)
  }
}
