/// What `mlx verify` found.
public struct VerifyReport: Codable, Sendable {
  /// One damaged or missing object.
  public struct Problem: Codable, Sendable, Equatable {
    public let object: String
    /// The pack holding it, or the pointer that needs it.
    public let location: String
    public let problem: String
  }

  /// A pack whose index remains but whose file is gone.
  public struct LostPack: Codable, Sendable, Equatable {
    public let pack: String
    /// Objects its index lists, and how many of them no other pack holds.
    public let objects: Int
    public let unrecovered: Int
  }

  public var objectsChecked = 0
  public var bytesChecked: Int64 = 0
  public var corrupt: [Problem] = []
  /// Damaged copies of objects stored again since (`mlx gc` drops them).
  public var replaced: [Problem] = []
  public var lostPacks: [LostPack] = []
  public var missing: [Problem] = []
  /// Pointers or manifests whose recorded sizes their content does not have.
  public var mismatched: [Problem] = []
  /// One line per pointer that does not parse, naming the file and the fix.
  public var unreadablePointers: [String] = []
  /// Packs holding damage that have other names on this disk (hard links: a directory
  /// remote on this file system, or a clone that fetched from one), damaged there too.
  public var sharedPacks: [SharedPack] = []

  public struct SharedPack: Codable, Sendable, Equatable {
    public let pack: String
    public let links: Int
  }

  public var isHealthy: Bool {
    corrupt.isEmpty && missing.isEmpty && mismatched.isEmpty && unreadablePointers.isEmpty
      && lostPacks.allSatisfy { $0.unrecovered == 0 }
  }
}

extension Workspace {
  /// Re-hashes every object in the store, checks that every chunked file rebuilds to its
  /// digest, and that every pointer in the work tree has its content (and, for a directory,
  /// every file) in the store with the sizes the pointer and manifest record. Damaged copies
  /// are recorded, so that `mlx add` and `mlx verify --repair` store them again.
  public func verify(progress: ProgressReporter) throws -> VerifyReport {
    let store = try self.store()
    let check = try StoredObjectCheck(store, progress: progress)
    var report = VerifyReport()
    func problem(_ finding: StoredObjectCheck.Finding) -> VerifyReport.Problem {
      .init(object: finding.id.description, location: finding.pack, problem: finding.problem)
    }
    report.corrupt = check.corrupt.map(problem)
    report.replaced = check.replaced.map(problem)
    report.lostPacks = check.lostPacks.map {
      .init(pack: $0.pack, objects: $0.objects, unrecovered: $0.unrecovered)
    }
    report.sharedPacks = Set(check.corrupt.map(\.pack)).sorted().compactMap { pack in
      guard let links = FileSystem.linkCount(store.packDirectory + "/" + pack + ".pack"),
        links > 1
      else { return nil }
      return .init(pack: pack, links: links)
    }
    report.objectsChecked = check.objectsChecked
    report.bytesChecked = check.bytesChecked
    let scan = try scanArtifacts()
    report.unreadablePointers = scan.unreadable.map(\.error.description)
    (report.missing, report.mismatched) = try pointerProblems(scan.artifacts, store: store)
    return report
  }

  /// Content that pointers in the work tree need and the store lacks, and recorded sizes
  /// the stored content does not have.
  private func pointerProblems(
    _ artifacts: [TrackedArtifact], store: ObjectStore
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
    for artifact in artifacts {
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
