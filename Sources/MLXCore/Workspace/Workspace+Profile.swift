/// One file's profile, as `mlx profile` reports it.
public struct ProfileResult: Encodable, Sendable {
  /// The file, as given (a directory's files under its path).
  public var path: String
  /// The stored profile object.
  public var object: ObjectID
  /// Whether the profile was already stored for this content (nothing was read).
  public var reused: Bool
  /// The pointer file the profile was recorded in: the file is a tracked file whose content
  /// is the one its pointer records.
  public var pointer: String?
  public var profile: TableProfile
}

/// `mlx profile`: per-column statistics of CSV and TSV files, stored by the data's digest.
extension Workspace {
  /// Profiles each file of `paths` (a directory: every .csv and .tsv file in it), with the
  /// column types of the schema at `schemaPath` or inferred. A profile already stored for
  /// the same content (and schema) is reused; a new one is stored. A tracked file whose
  /// content is the one its pointer records gets `profile:` in its pointer (staged).
  public func profile(paths: [String], schemaPath: String?) throws -> [ProfileResult] {
    let profiler = try TableProfiler(schema: schemaPath.map(loadProfileSchema))
    let store = try self.store()
    var statCache = StatCache.load(from: statCachePath)
    var results: [ProfileResult] = []
    for userPath in paths {
      let absolutePath =
        userPath.hasPrefix("/") ? userPath : FileSystem.join(currentDirectory, userPath)
      for file in try Self.dataFiles(at: userPath, absolute: absolutePath, jsonLines: false) {
        let tracked = try? repositoryPath(for: file.display)
        let status = try FileStatus.of(file.absolute)
        let known = tracked.flatMap { path in
          status.flatMap { statCache.digest(for: path, status: $0) }
        }
        var computed: TableProfile?
        let digest: ObjectID
        if let known {
          digest = known
        } else {
          // Content not hashed yet: hashed on one thread while the profile is made on the rest.
          let made = try profileWhileHashing(file, profiler: profiler)
          (digest, computed) = (made.digest, made.profile)
          if let tracked { statCache.record(tracked, status: made.status, digest: digest) }
        }
        let (object, profile, reused) = try storedProfile(
          of: digest, profiler: profiler, store: store, computed: computed
        ) { (file.absolute, file.display, false) }
        let pointer = try tracked.flatMap { try recordProfile(object, of: digest, at: $0) }
        results.append(
          ProfileResult(
            path: file.display, object: object, reused: reused, pointer: pointer.map(display),
            profile: profile))
      }
    }
    try? statCache.save(to: statCachePath, temporaryDirectory: temporaryDirectory)
    return results
  }

  /// The profile of the tracked file `userPath` as recorded at `revision` (a commit, branch
  /// or tag; nil for the work tree's pointer): the profile its pointer names when the store
  /// holds it, else the one stored for its content, else one computed from the content in
  /// the store (and stored). Column types are inferred.
  /// - Throws: ``PointerError/malformed(path:line:problem:)`` when the pointer names a
  ///   profile of other data; ``WorkspaceError/notTracked(path:)`` or
  ///   ``WorkspaceError/notTrackedAt(path:revision:)``.
  public func profile(of userPath: String, at revision: String?) throws -> TableProfile {
    try profileResult(of: userPath, at: revision).profile
  }

  /// As ``profile(of:at:)``, with the stored object's id and the pointer's path.
  public func profileResult(of userPath: String, at revision: String?) throws -> ProfileResult {
    let path = try repositoryPath(for: userPath)
    let artifact: TrackedArtifact
    if let revision {
      guard
        let found = try artifacts(at: revision).first(where: {
          [$0.path, $0.pointerPath].contains(path)
        })
      else { throw WorkspaceError.notTrackedAt(path: userPath, revision: revision) }
      artifact = found
    } else {
      let pointerPath = path.hasSuffix(PointerFile.suffix) ? path : path + PointerFile.suffix
      guard let found = try readPointer(at: pointerPath) else {
        throw WorkspaceError.notTracked(path: userPath)
      }
      artifact = found
    }
    let pointer = artifact.pointer
    let pointerName = (revision.map { "\($0):" } ?? "") + display(artifact.pointerPath)
    guard !pointer.isDirectory else {
      throw QualityError.unreadableData(
        path: display(artifact.path), reason: "is a directory; profile one of its files")
    }
    guard DelimitedTable.isDelimited(artifact.path) else {
      throw QualityError.unsupportedFormat(path: display(artifact.path), jsonLines: false)
    }
    let store = try self.store()
    if let id = pointer.profile, store.contains(id) {
      let profile = try TableProfile(json: try store.readVerifiedBlob(id), source: pointerName)
      guard profile.digest == pointer.digest.description else {
        let problem =
          "its profile \(id) is of other data (\(profile.digest)), not of \(pointer.digest)"
        // A commit's pointer cannot be restored with `git checkout --`: say what to do instead.
        if revision != nil {
          throw QualityError.unreadableData(
            path: pointerName,
            reason: problem + "; that commit's pointer is wrong: check the file out at that "
              + "revision and run `mlx profile` on it")
        }
        throw PointerError.malformed(
          path: pointerName, line: nil,
          problem: problem + "; run `mlx profile` on the data and commit the pointer")
      }
      // The pointer's profile is a claim of whoever committed it: where the data is here and
      // this machine did not derive that profile itself, it is derived again and compared.
      let derived = DerivedObjects(store: store, kind: "profiles").lookup(pointer.digest.hex)
      if derived != id, store.contains(pointer.digest), profile.types == "inferred" {
        let stored = try storedProfile(of: pointer.digest, profiler: TableProfiler(), store: store)
        {
          try self.contentFile(pointer.digest, named: artifact.path, at: revision, store: store)
        }
        guard stored.object == id else {
          throw QualityError.unreadableData(
            path: pointerName,
            reason: "its profile \(id) does not describe the data (profiled here: "
              + "\(stored.object)); run `mlx profile` on the data and commit the pointer")
        }
      }
      return ProfileResult(
        path: display(artifact.path), object: id, reused: true, pointer: pointerName,
        profile: profile)
    }
    let stored = try storedProfile(of: pointer.digest, profiler: TableProfiler(), store: store) {
      try self.contentFile(pointer.digest, named: artifact.path, at: revision, store: store)
    }
    return ProfileResult(
      path: display(artifact.path), object: stored.object, reused: stored.reused,
      pointer: pointerName, profile: stored.profile)
  }
}
