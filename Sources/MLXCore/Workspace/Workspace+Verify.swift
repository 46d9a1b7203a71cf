import Dispatch

/// What `mlx verify` found.
public struct VerifyReport: Codable, Sendable {
  /// One damaged or missing object.
  public struct Problem: Codable, Sendable, Equatable {
    public let object: String
    /// The pack holding it, or the pointer that needs it.
    public let location: String
    public let problem: String
  }

  public var objectsChecked = 0
  public var bytesChecked: Int64 = 0
  public var corrupt: [Problem] = []
  public var missing: [Problem] = []
  /// Pointers or manifests whose recorded sizes their content does not have.
  public var mismatched: [Problem] = []

  public var isHealthy: Bool { corrupt.isEmpty && missing.isEmpty && mismatched.isEmpty }
}

extension Workspace {
  /// Re-hashes every object in the store, checks that every chunked file rebuilds to its
  /// digest, and that every pointer in the work tree has its content (and, for a directory,
  /// every file) in the store with the sizes the pointer and manifest record.
  public func verify(progress: ProgressReporter) throws -> VerifyReport {
    let store = try self.store()
    let entries = store.allEntries()
    var report = VerifyReport()
    progress.begin(
      "Verifying", total: entries.reduce(0) { $0 + Int64($1.entry.rawLength) }, unit: .bytes)
    let results = ConcurrentResults<VerifyReport.Problem?>(count: entries.count)
    DispatchQueue.concurrentPerform(iterations: entries.count) { position in
      let (entry, pack) = entries[position]
      results.record(position) {
        defer { progress.advance(by: Int64(entry.rawLength)) }
        guard let problem = Self.check(entry, pack: pack, store: store) else { return nil }
        return VerifyReport.Problem(object: entry.id.description, location: pack, problem: problem)
      }
    }
    progress.finish()
    report.corrupt = try results.values().compactMap { $0 }
    report.objectsChecked = entries.count
    report.bytesChecked = entries.reduce(0) { $0 + Int64($1.entry.rawLength) }
    (report.missing, report.mismatched) = try pointerProblems(store: store)
    return report
  }

  /// Why one stored object is bad, or nil when it is sound.
  private static func check(_ entry: PackEntry, pack: String, store: ObjectStore) -> String? {
    do {
      let bytes = try store.readUnverified(entry, pack: pack)
      switch entry.kind {
      case .blob:
        return ObjectID(hashing: bytes) == entry.id ? nil : "content does not match its digest"
      case .chunked:
        guard let recipe = ChunkRecipe(decoding: bytes) else { return "malformed chunk list" }
        if let absent = recipe.chunks.first(where: { !store.contains($0.id) }) {
          return "chunk \(absent.id) is missing"
        }
        try store.streamContent(of: entry.id, rehashWhole: true) { _ in }
        return nil
      }
    } catch let error as ObjectStoreError {
      if case .corrupt(_, _, let reason) = error { return reason }
      return error.description
    } catch {
      return "\(error)"
    }
  }

  /// Content that pointers in the work tree need and the store lacks, and recorded sizes
  /// the stored content does not have.
  private func pointerProblems(
    store: ObjectStore
  ) throws -> (missing: [VerifyReport.Problem], mismatched: [VerifyReport.Problem]) {
    var missing: [VerifyReport.Problem] = []
    var mismatched: [VerifyReport.Problem] = []
    func sizeProblem(
      _ id: ObjectID, _ pointerPath: String, _ what: String, recorded: Int64, actual: Int64
    ) {
      mismatched.append(
        .init(
          object: id.description, location: pointerPath,
          problem: "\(what) records \(recorded), the content has \(actual)"))
    }
    for artifact in try artifacts() {
      let pointer = artifact.pointer
      guard store.contains(pointer.digest) else {
        missing.append(
          .init(
            object: pointer.digest.description, location: artifact.pointerPath,
            problem: "not in the store"))
        continue
      }
      guard pointer.isDirectory else {
        let size = try store.contentSize(of: pointer.digest)
        if size != pointer.size {
          sizeProblem(
            pointer.digest, artifact.pointerPath, "size", recorded: pointer.size, actual: size)
        }
        continue
      }
      let manifest: DirectoryManifest
      do {
        guard let stored = try storedManifest(pointer.digest, for: artifact.path) else { continue }
        manifest = stored
      } catch let error as ObjectStoreError {
        mismatched.append(
          .init(
            object: pointer.digest.description, location: artifact.pointerPath,
            problem: error.description))
        continue
      }
      if manifest.totalSize != pointer.size {
        sizeProblem(
          pointer.digest, artifact.pointerPath, "size", recorded: pointer.size,
          actual: manifest.totalSize)
      }
      if manifest.entries.count != pointer.fileCount {
        sizeProblem(
          pointer.digest, artifact.pointerPath, "files", recorded: Int64(pointer.fileCount ?? 0),
          actual: Int64(manifest.entries.count))
      }
      for entry in manifest.entries {
        guard store.contains(entry.digest) else {
          missing.append(
            .init(
              object: entry.digest.description, location: artifact.pointerPath,
              problem: "file \(entry.path) is not in the store"))
          continue
        }
        let size = try store.contentSize(of: entry.digest)
        if size != entry.size {
          sizeProblem(
            entry.digest, artifact.pointerPath, "the manifest's size of \(entry.path)",
            recorded: entry.size, actual: size)
        }
      }
    }
    return (missing, mismatched)
  }
}
