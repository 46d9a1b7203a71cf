import Dispatch

/// Re-hashes every stored copy of every object, on all cores, and records the damaged ones
/// (``DamagedCopies``) so that later commands read around them and store them again.
struct StoredObjectCheck {
  /// One damaged copy, or a pack whose file is gone.
  struct Finding: Sendable, Equatable {
    var id: ObjectID
    var pack: String
    var problem: String
  }

  /// Damaged copies of objects the store holds no sound copy of.
  var corrupt: [Finding] = []
  /// Damaged copies of objects that another, sound copy replaces (gc drops them).
  var replaced: [Finding] = []
  /// Packs whose index remains but whose file is gone: the objects the index lists, and how
  /// many of them no other pack holds.
  var lostPacks: [(pack: String, objects: Int, unrecovered: Int)] = []
  var objectsChecked = 0
  var bytesChecked: Int64 = 0

  /// Checks `store`, reporting progress in bytes.
  init(_ store: ObjectStore, progress: ProgressReporter) throws {
    var damaged: [DamagedCopies.Copy] = []
    let lost = store.indexesWithoutPack()
    for index in lost {
      damaged += index.entries.map { DamagedCopies.Copy(pack: index.name, id: $0.id) }
    }
    let entries = store.allEntries()
    objectsChecked = entries.count
    bytesChecked = entries.reduce(0) { $0 + Int64($1.entry.rawLength) }
    progress.begin("Verifying", total: bytesChecked, unit: .bytes)
    let results = ConcurrentResults<Finding?>(count: entries.count)
    DispatchQueue.concurrentPerform(iterations: entries.count) { position in
      let (entry, pack) = entries[position]
      results.record(position) {
        defer { progress.advance(by: Int64(entry.rawLength)) }
        return Self.problem(entry, pack: pack, store: store).map {
          Finding(id: entry.id, pack: pack, problem: $0)
        }
      }
    }
    progress.finish()
    let findings = try results.values().compactMap { $0 }
    // An object with a damaged copy and a sound one (stored again since) is replaced; one
    // whose every copy is damaged is corrupt.
    let damagedCopies = Set(findings.map { DamagedCopies.Copy(pack: $0.pack, id: $0.id) })
    let sound = Set(
      entries.filter { !damagedCopies.contains(.init(pack: $0.pack, id: $0.entry.id)) }
        .map(\.entry.id))
    for finding in findings {
      if sound.contains(finding.id) { replaced.append(finding) } else { corrupt.append(finding) }
    }
    for index in lost {
      let unrecovered = index.entries.filter { !sound.contains($0.id) }.count
      lostPacks.append((index.name, index.count, unrecovered))
    }
    damaged += findings.map { DamagedCopies.Copy(pack: $0.pack, id: $0.id) }
    try store.recordDamaged(damaged)
  }

  /// Why one stored copy is bad, or nil when it is sound.
  private static func problem(_ entry: PackEntry, pack: String, store: ObjectStore) -> String? {
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
}
