/// Feature sets in lineage and in `mlx validate --features`.
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
    let validator = TableValidator(
      schema: set.definition.schema,
      schemaPath: "feature set \(reference), \(display(set.definitionPath))")
    let current = try FileSystem.currentDirectory()
    var files: [TableValidation] = []
    for path in paths {
      let absolute = path.hasPrefix("/") ? path : FileSystem.join(current, path)
      for file in try Self.dataFiles(at: path, absolute: absolute) {
        files.append(try validator.validate(absolutePath: file.absolute, displayPath: file.display))
      }
    }
    return ValidationReport(files: files)
  }
}
