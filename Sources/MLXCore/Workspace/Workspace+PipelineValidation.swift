/// The pipeline's `validate:` inputs, checked with `mlx validate`'s code.
extension Workspace {
  func schema(for validation: Stage.Validation, of stage: String) throws
    -> (path: String, digest: ObjectID)
  {
    var path = validation.schema
    if path == nil {
      let pointerPath = validation.path + PointerFile.suffix
      guard let text = try readPointer(at: pointerPath)?.pointer.schema else {
        throw PipelineError.validationFailed(
          stage: stage,
          detail:
            "\(display(validation.path)) names no schema: give one in mlx.yaml "
            + "(validate: [{\(validation.path): {schema: FILE}}]) or record one with "
            + "`mlx add \(display(validation.path)) --schema FILE`")
      }
      path = try resolvedSchema(text, ofArtifact: validation.path)
    }
    guard let path, try FileStatus.of(absolute(path))?.kind == .regular else {
      throw PipelineError.validationFailed(
        stage: stage,
        detail: "the schema \(display(path ?? "")) of \(display(validation.path)) is missing")
    }
    let bytes = try FileSystem.read(absolute(path))
    return (path, bytes.withUnsafeBytes { ObjectID(hashing: $0) })
  }

  func validateInput(_ path: String, schema: String) throws -> [String] {
    try validate(path: path, schema: schema).files.filter { !$0.valid }.flatMap(\.reportLines)
  }
}
