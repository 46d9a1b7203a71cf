/// `mlx add` of data that names a Table Schema: validated before anything is stored.
extension Workspace {
  /// The pointer's `schema` text for a schema the user named (relative to where mlx runs),
  /// for the artifact at repository-relative `path`: relative to the pointer's directory.
  func pointerRelativeSchema(_ userPath: String, for path: String) throws -> String {
    let schema = try repositoryPath(for: userPath)
    guard try FileStatus.of(absolute(schema))?.kind == .regular else {
      throw QualityError.unreadableData(
        path: userPath, reason: "no such schema file; write one with `mlx schema infer`")
    }
    var from = FileSystem.parent(of: path).split(separator: "/")
    var to = schema.split(separator: "/")
    while let first = from.first, to.count > 1, first == to.first {
      from.removeFirst()
      to.removeFirst()
    }
    let text = (Array(repeating: "..", count: from.count) + to.map(String.init))
      .joined(separator: "/")
    guard PointerFile.isSchemaPath(text) else {
      throw QualityError.unreadableData(
        path: userPath, reason: "cannot be recorded in a pointer (a control character in its name)")
    }
    return text
  }

  /// The repository-relative schema of a target: the one given now, else the pointer's.
  /// A recorded schema that would leave the repository is an error naming the pointer.
  func schemaPath(of target: AddTarget) throws -> String? {
    guard let text = target.schema ?? target.previous?.pointer.schema else { return nil }
    return try resolvedSchema(text, ofArtifact: target.path)
  }

  /// A pointer's `schema` text as a repository-relative path, for the artifact at `path`;
  /// an error naming the pointer when it would leave the repository.
  func resolvedSchema(_ text: String, ofArtifact path: String) throws(PointerError) -> String {
    let directory = FileSystem.parent(of: path)
    guard let resolved = PointerFile.resolve(schema: text, pointerDirectory: directory) else {
      throw PointerError.malformed(
        path: display(path + PointerFile.suffix), line: nil,
        problem: "schema '\(MessageText.quoted(text))' leaves the repository")
    }
    return resolved
  }

  /// Validates every target that has a schema; throws ``DataValidationError`` with the
  /// report when any file fails, before anything is written. Returns the files checked.
  func validateBeforeAdding(_ targets: [AddTarget]) throws -> [TableValidation] {
    var files: [TableValidation] = []
    for target in targets {
      guard let schema = try schemaPath(of: target) else { continue }
      files += try validate(path: target.path, schema: schema).files
    }
    let report = ValidationReport(files: files)
    if !report.valid { throw DataValidationError(report: report) }
    return files
  }

  /// Checks a tracked path the user named against the schema its pointer names.
  func validateWithPointerSchema(_ userPath: String) throws -> ValidationReport {
    let path = try repositoryPath(for: userPath)
    guard let text = try readPointer(at: path + PointerFile.suffix)?.pointer.schema else {
      throw QualityError.noSchema(path: userPath)
    }
    return try validate(path: path, schema: try resolvedSchema(text, ofArtifact: path))
  }

  /// Checks the tracked path (file or directory) against the schema, both repository-relative.
  func validate(path: String, schema: String) throws -> ValidationReport {
    let schemaText = try FileSystem.readTextIfPresent(absolute(schema))
    guard let schemaText else {
      throw QualityError.unreadableData(
        path: display(schema), reason: "no such schema file; write one with `mlx schema infer`")
    }
    let parsed = try TableSchema(parsing: schemaText, path: display(schema))
    let validator = TableValidator(schema: parsed, schemaPath: display(schema))
    return ValidationReport(
      files: try Self.dataFiles(at: display(path), absolute: absolute(path)).map {
        try validator.validate(absolutePath: $0.absolute, displayPath: $0.display)
      })
  }
}

/// Data that does not match its schema: `mlx add` stored nothing.
public struct DataValidationError: Error, CustomStringConvertible {
  public let report: ValidationReport

  public var description: String {
    let failed = report.files.filter { !$0.valid }
    let schemas = Set(failed.map(\.schema)).sorted().joined(separator: ", ")
    return "\(failed.map(\.path).joined(separator: ", ")) \(failed.count == 1 ? "does" : "do") "
      + "not match \(schemas); nothing was added: fix the data (or the schema) and add again"
  }
}
