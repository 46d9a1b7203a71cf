import Dispatch
import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Where `mlx profile` keeps profiles: objects in the store, found by the data's digest.
extension Workspace {
  /// The schema at `path` (relative to where mlx runs) and how a profile names it.
  func loadProfileSchema(_ path: String) throws -> (schema: TableSchema, types: String) {
    let absolutePath = path.hasPrefix("/") ? path : FileSystem.join(currentDirectory, path)
    guard let text = try FileSystem.readTextIfPresent(absolutePath) else {
      throw QualityError.unreadableData(
        path: path, reason: "no such schema file; write one with `mlx schema infer`")
    }
    let schema = try TableSchema(parsing: text, path: path)
    return (schema, "schema " + ObjectID(hashing: Array(text.utf8)).description)
  }

  /// The profile of the content `digest` with `profiler`'s types: the one stored for it,
  /// else `computed`, else one computed from the file `source` gives (deleted afterwards
  /// when temporary), then stored.
  func storedProfile(
    of digest: ObjectID, profiler: TableProfiler, store: ObjectStore,
    computed: TableProfile? = nil,
    source: () throws -> (absolute: String, display: String, temporary: Bool)
  ) throws -> (object: ObjectID, profile: TableProfile, reused: Bool) {
    let types = profiler.schema?.types ?? "inferred"
    var key = digest.hex
    if let schemaID = ObjectID(parsing: types.dropFirst("schema ".count)) {
      key += "-" + schemaID.hex
    }
    let derived = DerivedObjects(store: store, kind: "profiles")
    if let id = derived.lookup(key), let bytes = try? derived.read(id),
      let profile = try? TableProfile(json: bytes, source: id.description),
      profile.digest == digest.description, profile.types == types
    {
      return (id, profile, true)
    }
    let profile: TableProfile
    if let computed {
      profile = computed
    } else {
      let file = try source()
      defer { if file.temporary { unlink(file.absolute) } }
      profile = try profiler.profile(
        absolutePath: file.absolute, displayPath: file.display, digest: digest.description)
    }
    let id = try derived.store(profile.json, for: key, compression: compression)
    return (id, profile, false)
  }

  /// Profiles `file` while hashing it on another thread, for content whose digest is not
  /// known: the profile then names that digest.
  func profileWhileHashing(
    _ file: (display: String, absolute: String), profiler: TableProfiler
  ) throws -> (digest: ObjectID, status: FileStatus, profile: TableProfile) {
    let hashed = ConcurrentResults<(ObjectID, FileStatus)>(count: 1)
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      hashed.record(0) { try ContentDigest.ofFile(at: file.absolute, displayPath: file.display) }
    }
    let profiled = Result {
      try profiler.profile(absolutePath: file.absolute, displayPath: file.display, digest: "")
    }
    group.wait()
    let (digest, status) = try hashed.values()[0]
    var profile = try profiled.get()
    profile.digest = digest.description
    return (digest, status, profile)
  }

  /// Writes `profile: object` into the pointer of `path` (repository-relative) and stages it,
  /// when `path` is a tracked file whose pointer records `digest`; returns the pointer's path.
  func recordProfile(_ object: ObjectID, of digest: ObjectID, at path: String) throws -> String? {
    let pointerPath = path + PointerFile.suffix
    guard try FileStatus.of(absolute(pointerPath)) != nil else { return nil }
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    guard var artifact = try readPointer(at: pointerPath), artifact.path == path,
      !artifact.pointer.isDirectory, artifact.pointer.digest == digest
    else { return nil }
    if artifact.pointer.profile != object {
      artifact = TrackedArtifact(
        path: artifact.path, pointerPath: pointerPath,
        pointer: {
          var pointer = artifact.pointer
          pointer.profile = object
          return pointer
        }())
      try FileSystem.write(
        Array(artifact.pointer.encoded.utf8), atomicallyTo: absolute(pointerPath),
        temporaryDirectory: temporaryDirectory)
      _ = try repository.updateIndex(staging: [pointerPath], untracking: [])
    }
    return pointerPath
  }

  /// The content `digest` (of the tracked file `path`, as committed at `revision` or as the
  /// work tree's pointer says) written from the store to a temporary file.
  func contentFile(
    _ digest: ObjectID, named path: String, at revision: String?, store: ObjectStore
  ) throws -> (absolute: String, display: String, temporary: Bool) {
    guard store.contains(digest) else {
      let fetch =  // `mlx pull` fetches only what the work tree's pointers need
        revision.map { "`mlx fetch --rev \(MessageText.quoted($0)) \(display(path))`" }
        ?? "`mlx pull`"
      throw QualityError.unreadableData(
        path: display(path),
        reason: "its content \(digest) is not in the store; fetch it with \(fetch)")
    }
    let temporary = TemporaryFiles.path(in: store.temporaryDirectory, beside: path)
    let descriptor = try FileSystem.open(
      temporary, .writeOnly, options: [.create, .exclusiveCreate],
      permissions: FilePermissions(rawValue: 0o600))
    do {
      try store.writeContent(of: digest, to: descriptor.rawValue, displayPath: display(path))
      try descriptor.close()
    } catch {
      try? descriptor.close()
      unlink(temporary)
      throw error
    }
    return (temporary, display(path), true)
  }

  /// The stored profiles the pointers of `selection` name (the work tree's, or one
  /// revision's; none for every commit or tag). A profile is optional content: push and
  /// fetch carry the ones there are to carry, and none is ever required.
  func profileObjects(_ paths: [String], at selection: RevisionSelection) throws -> [ObjectID] {
    let recorded: [TrackedArtifact]
    switch selection {
    case .workTree:
      recorded = try artifacts(named: paths)
    case .revision(let revision):
      let wanted = try paths.map { try repositoryPath(for: $0) }
      recorded = try artifacts(at: revision).filter { artifact in
        wanted.isEmpty
          || wanted.contains { artifact.path == $0 || artifact.path.hasPrefix($0 + "/") }
      }
    case .allCommits, .allTags:
      return []
    }
    var seen: Set<ObjectID> = []
    return recorded.compactMap(\.pointer.profile).filter { seen.insert($0).inserted }
  }
}
