import Foundation

/// The registry of one artifact at a moment: its versions and which version holds each stage.
///
/// Follows GTO's rules (`gto/base.py`) so both tools agree on the same tags:
/// - a version is registered until deregistered; a stage event on a commit with no registered
///   version makes a version named by the commit's id (an assignment made with GTO's
///   `--skip-registration`), which counts until a registration takes over that commit;
/// - a (version, stage) pair is assigned by its last assignment or unassignment; a stage's
///   holder is, among the versions assigned to it and still registered, the one assigned last
///   (by the artifact's tag counter, then time: the same order as GTO's for every tag mlx
///   writes, as mlx never writes two events of an artifact in one second);
/// - the artifact is deprecated while its last event is a deprecation, so registering a
///   version after `NAME@deprecated` makes it active again.
public struct ArtifactState: Codable, Sendable, Equatable {
  public struct Version: Codable, Sendable, Equatable {
    public let version: String
    public let commit: String
    public let registeredAt: Date
    /// Stages this version holds now.
    public var stages: [String]
  }

  /// Who holds a stage.
  public struct Holder: Codable, Sendable, Equatable {
    public let version: String
    public let commit: String
    /// The assignment tag.
    public let tag: String
    public let since: Date
  }

  public let name: String
  /// Registered versions, newest (greatest) first.
  public var versions: [Version]
  /// The greatest registered version.
  public var latest: String?
  /// Stage name to holder.
  public var stages: [String: Holder]
  public var deprecated: Bool

  /// Computes the state from the artifact's events.
  /// - Parameter ordered: the artifact's events in chronological order.
  init(name: String, events ordered: [RegistryEvent]) {
    self.name = name
    var registered: [String: Version] = [:]
    var explicit: Set<String> = []
    for event in ordered {
      guard let version = event.version else { continue }
      switch event.kind {
      case .registration:
        registered[version] = Version(
          version: version, commit: event.commit, registeredAt: event.time, stages: [])
        explicit.insert(version)
      case .deregistration:
        registered[version] = nil
        explicit.insert(version)
      case .assignment, .unassignment, .deprecation:
        break
      }
    }
    deprecated = ordered.last?.kind == .deprecation
    // The latest event of each (version, stage) pair decides whether it is assigned.
    var pairs: [String: RegistryEvent] = [:]
    for event in Self.stageEvents(ordered) {
      guard let version = event.version, let stage = event.stage else { continue }
      pairs["\(version)\u{0}\(stage)"] = event
    }
    // Holders: registered versions, and versions named by a commit that nothing registered.
    var holders: [String: RegistryEvent] = [:]
    for event in pairs.values where event.kind == .assignment {
      guard let stage = event.stage, let version = event.version,
        registered[version] != nil || !explicit.contains(version)
      else { continue }
      if let current = holders[stage], !Self.stageOrder(current, event) { continue }
      holders[stage] = event
    }
    stages = holders.mapValues {
      Holder(version: $0.version!, commit: $0.commit, tag: $0.tag, since: $0.time)
    }
    for (stage, holder) in stages { registered[holder.version]?.stages.append(stage) }
    // Parse each version once; comparing parsed versions keeps the sort cheap at 10,000 tags.
    versions = registered.values.map { version -> (Version, SemanticVersion?) in
      var copy = version
      copy.stages.sort()
      return (copy, SemanticVersion(copy.version))
    }.sorted { Self.versionOrder($1, $0) }.map(\.0)
    latest = versions.first?.version
  }

  /// Stage events in the order that decides holders: by counter, then time.
  static func stageEvents(_ events: [RegistryEvent]) -> [RegistryEvent] {
    events.filter { $0.kind == .assignment || $0.kind == .unassignment }.sorted(by: stageOrder)
  }

  static func stageOrder(_ a: RegistryEvent, _ b: RegistryEvent) -> Bool {
    if let x = a.counter, let y = b.counter, x != y { return x < y }
    return RegistryEvent.precedes(a, b)
  }

  /// Semantic-version order, with unparsable names (commit ids) first.
  private static func versionOrder(
    _ a: (Version, SemanticVersion?), _ b: (Version, SemanticVersion?)
  ) -> Bool {
    switch (a.1, b.1) {
    case (let x?, let y?): x < y
    case (nil, _?): true
    case (_?, nil): false
    case (nil, nil): a.0.version < b.0.version
    }
  }
}

/// Every registry event of a repository, read once, and the states derived from them.
public struct RegistrySnapshot: Sendable {
  /// Events in chronological order, replayed tags left out.
  public let events: [RegistryEvent]
  /// Tags whose object was written for another name (a replay): never part of any state.
  public let replayed: [RegistryEvent]
  /// The largest counter among each artifact's tag names (any tag, replayed or not).
  let counters: [String: Int]
  /// Each artifact's events, as positions in ``events``.
  private let positions: [String: [Int]]

  init(events: [RegistryEvent], replayed: [RegistryEvent], counters: [String: Int]) {
    self.events = events
    self.replayed = replayed
    self.counters = counters
    var positions: [String: [Int]] = [:]
    for (position, event) in events.enumerated() {
      positions[event.artifact, default: []].append(position)
    }
    self.positions = positions
  }

  /// A tag reference whose name follows GTO's grammar, and the object it points to.
  struct Reference {
    let name: RegistryTagName
    let reference: String
    let object: GitOID
  }

  /// Every tag reference whose name follows GTO's grammar: the listing alone, without reading
  /// a tag object.
  static func references(_ repository: Repository) throws -> [Reference] {
    try repository.tagReferences().compactMap { name, target in
      RegistryTagName(parsing: name).map { Reference(name: $0, reference: name, object: target) }
    }
  }

  /// Reads every tag whose name follows GTO's grammar. Lightweight tags are ignored, as GTO
  /// ignores them.
  static func read(_ repository: Repository, references: [Reference]? = nil) throws
    -> RegistrySnapshot
  {
    var counters: [String: Int] = [:]
    var tags: [(RegistryTagName, String, GitOID)] = []
    for reference in try references ?? Self.references(repository) {
      let parsed = reference.name
      if let counter = parsed.counter {
        counters[parsed.artifact] = max(counters[parsed.artifact] ?? 0, counter)
      }
      tags.append((parsed, reference.reference, reference.object))
    }
    let all = try readEvents(tags, repository: repository)
    // Sort indices, not the events: moving large structs costs more than comparing them.
    let order = all.indices.sorted { RegistryEvent.precedes(all[$0], all[$1]) }
    var events: [RegistryEvent] = []
    var replayed: [RegistryEvent] = []
    events.reserveCapacity(all.count)
    for index in order {
      if all[index].isReplayed { replayed.append(all[index]) } else { events.append(all[index]) }
    }
    assignVersions(to: &events)
    return RegistrySnapshot(events: events, replayed: replayed, counters: counters)
  }

  /// The same registry with only `events` (a subset of ``events``, in order): stage events'
  /// versions are derived again from the registrations kept.
  func keeping(_ kept: [RegistryEvent]) -> RegistrySnapshot {
    var events = kept
    Self.assignVersions(to: &events)
    return RegistrySnapshot(events: events, replayed: replayed, counters: counters)
  }

  /// GTO's rule for a stage event's version, applied in chronological order: the version
  /// registered (or once registered) at the tagged commit by then, else the commit's id.
  private static func assignVersions(to events: inout [RegistryEvent]) {
    var versionAtCommit: [String: String] = [:]
    for index in events.indices {
      let key = "\(events[index].artifact)\u{0}\(events[index].commit)"
      switch events[index].kind {
      case .registration, .deregistration:
        if let version = events[index].version { versionAtCommit[key] = version }
      case .assignment, .unassignment:
        events[index].version = versionAtCommit[key] ?? events[index].commit
      case .deprecation:
        break
      }
    }
  }

  /// Builds the events, from the registry cache where it knows a tag object, else by reading
  /// the objects (on two threads when there are many; each thread opens its own handle on the
  /// repository, as libgit2 objects are not shared between threads).
  private static func readEvents(
    _ tags: [(RegistryTagName, String, GitOID)], repository: Repository
  ) throws -> [RegistryEvent] {
    var cache = RegistryCache.load(gitDirectory: repository.gitDirectory).entries
    let missing = tags.filter { cache[$0.2.hex] == nil }.map(\.2)
    if !missing.isEmpty {
      for (object, entry) in try readObjects(missing, repository: repository) {
        cache[object] = entry
      }
      let current = Set(tags.map(\.2.hex))
      RegistryCache.save(
        cache.filter { current.contains($0.key) }, gitDirectory: repository.gitDirectory)
    }
    return tags.compactMap { name, reference, object in
      guard let entry = cache[object.hex], entry.targetType == "commit" else { return nil }
      return RegistryEvent(name: name, reference: reference, object: object.hex, tag: entry)
    }
  }

  private static func readObjects(
    _ objects: [GitOID], repository: Repository
  ) throws -> [(String, RegistryCache.Entry)] {
    guard objects.count > 500 else { return try readObjects(objects[...], with: repository) }
    let middle = objects.count / 2
    let gitDirectory = repository.gitDirectory
    let shared = UncheckedSendable(objects)
    let second = ConcurrentResults<[(String, RegistryCache.Entry)]>(count: 1)
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
      second.record(0) {
        try readObjects(shared.value[middle...], with: try Repository.discover(from: gitDirectory))
      }
    }
    let first = try readObjects(objects[..<middle], with: repository)
    group.wait()
    return first + (try second.values()[0])
  }

  /// Reads annotated tag objects (a lightweight tag, which GTO ignores too, gives nothing).
  private static func readObjects(
    _ objects: ArraySlice<GitOID>, with repository: Repository
  ) throws -> [(String, RegistryCache.Entry)] {
    var entries: [(String, RegistryCache.Entry)] = []
    for object in objects {
      guard let tag = try repository.annotatedTag(object) else { continue }
      // A tag of a tag: the target is the object underneath; every other fact, and the
      // signature audit checks, belong to the outer object the reference names.
      var target = tag.target
      var targetType = tag.targetType
      var depth = 0
      while targetType == "tag", depth < 8, let inner = try repository.annotatedTag(target) {
        (target, targetType, depth) = (inner.target, inner.targetType, depth + 1)
      }
      entries.append(
        (
          object.hex,
          RegistryCache.Entry(
            target: target.hex, targetType: targetType, name: tag.name, tagger: tag.tagger,
            time: tag.time, offsetMinutes: tag.offsetMinutes, message: tag.message)
        ))
    }
    return entries
  }

  /// Artifact names, sorted.
  public var artifacts: [String] { positions.keys.sorted() }

  /// The state of `artifact` as of `time` (default: now).
  public func state(of artifact: String, at time: Date? = nil) -> ArtifactState {
    ArtifactState(
      name: artifact,
      events: (positions[artifact] ?? []).lazy.map { events[$0] }.filter { event in
        time.map { event.time <= $0 } ?? true
      })
  }

  /// The counter for the artifact's next stage tag.
  func nextCounter(for artifact: String) -> Int { (counters[artifact] ?? 0) + 1 }
}
