/// `mlx validate`: data files checked against a Table Schema.
extension Workspace {
  /// Checks each file of `paths` (a directory: every .csv, .tsv and .jsonl file in it) against the
  /// schema at `schemaPath`. Paths are relative to where mlx runs, and may be outside the
  /// repository (a new batch to check); nothing is written.
  public static func validate(paths: [String], schemaPath: String?) throws -> ValidationReport {
    let current = try FileSystem.currentDirectory()
    func absolute(_ path: String) -> String {
      path.hasPrefix("/") ? path : FileSystem.join(current, path)
    }
    guard let schemaPath else {
      // No --schema: each path's pointer names its schema.
      guard let workspace = try? open(requiringSetup: false) else {
        throw QualityError.noSchema(path: paths.first ?? ".")
      }
      var files: [TableValidation] = []
      for path in paths { files += try workspace.validateWithPointerSchema(path).files }
      return ValidationReport(files: files)
    }
    guard let schemaText = try FileSystem.readTextIfPresent(absolute(schemaPath)) else {
      throw QualityError.unreadableData(
        path: schemaPath, reason: "no such schema file; write one with `mlx schema infer`")
    }
    let schema = try TableSchema(parsing: schemaText, path: schemaPath)
    let validator = TableValidator(schema: schema, schemaPath: schemaPath)
    var files: [TableValidation] = []
    for path in paths {
      for file in try dataFiles(at: path, absolute: absolute(path)) {
        files.append(try validator.validate(absolutePath: file.absolute, displayPath: file.display))
      }
    }
    return ValidationReport(files: files)
  }

  /// The file at `path`, or the data files in the directory, in path order. Only regular
  /// files are read: a symbolic link, FIFO or device is refused naming it, as `mlx add`
  /// refuses them.
  static func dataFiles(at path: String, absolute: String, jsonLines: Bool = true) throws
    -> [(display: String, absolute: String)]
  {
    guard let status = try FileStatus.of(absolute) else {
      throw QualityError.unreadableData(path: path, reason: "no such file or directory")
    }
    let isData = jsonLines ? DelimitedTable.isTable : DelimitedTable.isDelimited
    switch status.kind {
    case .directory:
      let names = try WorkTreeScanner.files(in: absolute, displayPath: path).map(\.path)
        .filter(isData)
      guard !names.isEmpty else {
        throw QualityError.unreadableData(
          path: path, reason: "holds no .csv or .tsv\(jsonLines ? ", .jsonl or .ndjson" : "") file")
      }
      let prefix = path.hasSuffix("/") ? path : path + "/"
      return names.map { (prefix + $0, absolute + "/" + $0) }
    case .regular:
      guard isData(path) else {
        throw QualityError.unsupportedFormat(path: path, jsonLines: jsonLines)
      }
      return [(path, absolute)]
    case .symbolicLink, .other:
      throw QualityError.unreadableData(
        path: path,
        reason: "is not a regular file (a symbolic link, FIFO or device); name the file itself")
    }
  }
}

/// `mlx validate`'s report: one validation per file.
public struct ValidationReport: Encodable, Sendable {
  public var files: [TableValidation]
  public var valid: Bool { files.allSatisfy(\.valid) }
}

/// `mlx schema infer`.
extension Workspace {
  /// A schema inferred from the CSV or TSV file at `path` (relative to where mlx runs).
  public static func inferSchema(path: String) throws -> (schema: TableSchema, rows: Int) {
    let absolute =
      path.hasPrefix("/") ? path : FileSystem.join(try FileSystem.currentDirectory(), path)
    _ = try dataFiles(at: path, absolute: absolute)
    guard try FileStatus.of(absolute)?.kind == .regular else {
      throw QualityError.unreadableData(path: path, reason: "is a directory; name one file")
    }
    return try SchemaInference.infer(absolutePath: absolute, displayPath: path)
  }

  /// Writes an inferred schema, atomically.
  public static func writeSchema(_ text: String, to path: String) throws {
    let absolute =
      path.hasPrefix("/") ? path : FileSystem.join(try FileSystem.currentDirectory(), path)
    try ReportFile.write(text, to: absolute, durable: true)
  }
}
