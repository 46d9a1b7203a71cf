extension Workspace {
  /// Every pointer file in the work tree: those in the Git index and untracked ones, sorted.
  func pointerPaths() throws -> [String] {
    var paths = Set(try repository.indexedPaths(withSuffix: PointerFile.suffix))
    for (path, state) in try repository.changedFiles(matching: "*" + PointerFile.suffix)
    where state == .untracked {
      paths.insert(path)
    }
    return paths.filter { !$0.hasPrefix(Self.metadataDirectoryName + "/") }
      .sorted(by: PathOrder.precedes)
  }

  /// Reads and parses the pointer at a repository-relative path; a pointer deleted from the
  /// work tree but still in Git's index is read from the index. Nil when in neither.
  func readPointer(at pointerPath: String) throws -> TrackedArtifact? {
    var text = try FileSystem.readTextIfPresent(absolute(pointerPath))
    let isMissing = text == nil
    if isMissing {
      text = try repository.indexedContent(of: pointerPath).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    guard let text else { return nil }
    let pointer = try PointerFile(parsing: text, pointerPath: display(pointerPath))
    let path = FileSystem.join(FileSystem.parent(of: pointerPath), pointer.path)
    if let reserved = RelativePath.reservedComponent(of: path) {
      throw PointerError.malformed(
        path: display(pointerPath), line: nil,
        problem: "it describes \(path), inside a \(reserved) directory, which mlx never writes")
    }
    var artifact = TrackedArtifact(path: path, pointerPath: pointerPath, pointer: pointer)
    artifact.pointerIsMissing = isMissing
    return artifact
  }

  /// Every tracked artifact, or those the user named (data paths or pointer paths; a
  /// directory selects the artifacts inside it).
  /// - Throws: ``WorkspaceError/notTracked(path:)`` for a named path with no artifact, or the
  ///   first pointer (of those selected) that cannot be parsed: commands that act on what the
  ///   pointers say (gc, push) must not pass over one.
  public func artifacts(named userPaths: [String] = []) throws -> [TrackedArtifact] {
    let scan = try scanArtifacts(named: userPaths)
    if let first = scan.unreadable.first { throw first.error }
    return scan.artifacts
  }

  /// As ``artifacts(named:)``, but a pointer that cannot be parsed is set aside with its error
  /// while every other artifact is still returned: for commands that report (status,
  /// checkout, verify), so one bad pointer does not hide the rest.
  public func scanArtifacts(named userPaths: [String] = []) throws -> ArtifactScan {
    var all = ArtifactScan()
    for pointerPath in try pointerPaths() {
      do {
        if let artifact = try readPointer(at: pointerPath) { all.artifacts.append(artifact) }
      } catch let error as PointerError {
        all.unreadable.append(.init(pointerPath: pointerPath, error: error))
      }
    }
    guard !userPaths.isEmpty else { return all }
    var selected = ArtifactScan()
    for userPath in userPaths {
      var path = try repositoryPath(for: userPath)
      if path.hasSuffix(PointerFile.suffix),
        all.artifacts.contains(where: { $0.pointerPath == path })
          || all.unreadable.contains(where: { $0.pointerPath == path })
      {
        path = String(path.dropLast(PointerFile.suffix.count))
      }
      let matches = all.artifacts.filter { $0.path == path || $0.path.hasPrefix(path + "/") }
      let unreadable = all.unreadable.filter {
        $0.pointerPath == path + PointerFile.suffix || $0.pointerPath.hasPrefix(path + "/")
      }
      guard !matches.isEmpty || !unreadable.isEmpty else {
        if try FileStatus.of(absolute(path)) == nil, (try? repository.commit(userPath)) != nil {
          throw WorkspaceError.revisionGivenAsPath(revision: userPath)
        }
        throw WorkspaceError.notTracked(path: display(path))
      }
      selected.artifacts += matches.filter { candidate in
        !selected.artifacts.contains { $0.path == candidate.path }
      }
      for pointer in unreadable
      where !selected.unreadable.contains(where: { $0.pointerPath == pointer.pointerPath }) {
        selected.unreadable.append(pointer)
      }
    }
    return selected
  }
}

/// Tracked artifacts, and the pointers that could not be read.
public struct ArtifactScan: Sendable {
  /// A pointer file (repository-relative) that does not parse, and why.
  public struct UnreadablePointer: Sendable {
    public let pointerPath: String
    public let error: PointerError
  }

  public var artifacts: [TrackedArtifact] = []
  public var unreadable: [UnreadablePointer] = []
}
