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

  public var isHealthy: Bool { corrupt.isEmpty && missing.isEmpty }
}

extension Workspace {
  /// Re-hashes every object in the store, checks that every chunked file rebuilds to its
  /// digest, and that every pointer in the work tree has its content (and, for a directory,
  /// every file) in the store.
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
    report.missing = try missingObjects(store: store)
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

  /// Content that pointers in the work tree need and the store lacks.
  private func missingObjects(store: ObjectStore) throws -> [VerifyReport.Problem] {
    var missing: [VerifyReport.Problem] = []
    for artifact in try artifacts() {
      let digest = artifact.pointer.digest
      guard store.contains(digest) else {
        missing.append(
          .init(object: digest.description, location: artifact.pointerPath, problem: "not in the store"))
        continue
      }
      guard artifact.pointer.isDirectory,
        let manifest = try? storedManifest(digest, for: artifact.path)
      else { continue }
      for entry in manifest.entries where !store.contains(entry.digest) {
        missing.append(
          .init(
            object: entry.digest.description, location: artifact.pointerPath,
            problem: "file \(entry.path) is not in the store"))
      }
    }
    return missing
  }
}
