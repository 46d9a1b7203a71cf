/// Feature sets in `mlx add --definition`, lineage and `mlx validate --features`.
extension Workspace {
  /// Names the feature set of every features artifact in an upstream lineage: its
  /// definition's name and the registry version whose commit's pointer records the same
  /// digest, or the digest when no version does.
  func annotateFeatureSets(_ graph: inout LineageGraph) throws {
    var reading: RegistryReading?
    let head = try repository.headCommit()?.hex
    for index in graph.nodes.indices where graph.nodes[index].kind == .artifact {
      let node = graph.nodes[index]
      guard let path = node.field("path"), let digestText = node.field("digest"),
        let digest = ObjectID(parsing: digestText), RelativePath.isSafe(path)
      else { continue }
      let local = try? readPointer(at: path + PointerFile.suffix)?.pointer
      let committed = try head.map { try repository.committedPointer(path: path, commit: $0) }
      var pointer: PointerFile? = local
      if case .pointer(let atHead) = committed, local?.kind != .features { pointer = atHead }
      guard pointer?.kind == .features else { continue }
      if reading == nil { reading = try registryReading() }
      guard let reading else { continue }
      var version: String?
      var commit: String?
      for candidate in try registeredVersions(of: path, reading: reading) {
        guard
          case .pointer(let registered) = try repository.committedPointer(
            path: path, commit: candidate.commit), registered.digest == digest
        else { continue }
        (version, commit, pointer) = (
          "\(candidate.artifact)@\(candidate.version)", candidate.commit, registered
        )
      }
      let name = pointer.flatMap { pointer in
        try? featureDefinition(path: path, pointer: pointer, commit: commit).definition.name
      }
      let shown = version ?? "unregistered, \(digest.short)"
      let value =
        if let name { version?.hasPrefix(name + "@") == true ? shown : "\(name) (\(shown))" } else {
          shown
        }
      graph.nodes[index].fields.append(.init(name: "feature set", value: value))
    }
  }

  /// Checks data files (paths relative to where mlx runs) against a feature set's
  /// definition: exactly its columns, each of its type and within its constraints.
  public func validate(paths: [String], featureSet reference: String) throws -> ValidationReport {
    let set = try featureSet(reference)
    // The training data's observed ranges, when its profile is stored and describes it.
    let stored = try set.profile.flatMap(ObjectID.init(parsing:)).flatMap { id in
      let derived = DerivedObjects(store: try store(), kind: "profiles")
      return derived.store.contains(id) ? try derived.read(id) : nil
    }
    let profile = try stored.map { try TableProfile(json: $0, source: set.profile ?? "") }
    let (schema, observed) = set.definition.schema(
      observing: profile?.digest == set.digest ? profile : nil)
    let validator = TableValidator(
      schema: schema, schemaPath: "feature set \(reference), \(display(set.definitionPath))")
    let current = try FileSystem.currentDirectory()
    var files: [TableValidation] = []
    for path in paths {
      let absolute = path.hasPrefix("/") ? path : FileSystem.join(current, path)
      for file in try Self.dataFiles(at: path, absolute: absolute) {
        var checked = try validator.validate(absolutePath: file.absolute, displayPath: file.display)
        checked.markObserved(observed)
        files.append(checked)
      }
    }
    return ValidationReport(files: files)
  }

  /// `mlx add --definition FILE`: the definition's path relative to the data's directory,
  /// checked to stay there (no `..`, no .git or .mlx component) and to parse.
  func featureDefinitionPath(_ userPath: String, for target: AddTarget) throws -> String {
    guard (target.kind ?? target.previous?.pointer.kind) == .features else {
      throw QualityError.unreadableData(
        path: userPath, reason: "--definition is for feature sets: add with --kind features")
    }
    let path = try repositoryPath(for: userPath)
    let directory = FileSystem.parent(of: target.path)
    let relative = directory.isEmpty ? path : String(path.dropFirst(directory.count + 1))
    guard directory.isEmpty || path.hasPrefix(directory + "/"), RelativePath.isSafe(relative)
    else {
      throw QualityError.unreadableData(
        path: userPath,
        reason:
          "a feature definition must be in \(directory.isEmpty ? "the repository" : directory) "
          + "(the data's directory) or below it, outside .git and .mlx")
    }
    guard let text = try FileSystem.readTextIfPresent(absolute(path)) else {
      throw QualityError.unreadableData(path: userPath, reason: "no such feature definition file")
    }
    _ = try FeatureDefinition(parsing: text, path: userPath)
    return relative
  }
}
