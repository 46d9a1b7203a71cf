import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Checks data files against a Table Schema.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "validate",
      abstract: "Check CSV, TSV and JSON Lines files against a Frictionless Table Schema.",
      discussion: """
        Reads every row (RFC 4180 CSV: quoted fields, doubled quotes, line breaks inside \
        quotes; TSV without quoting; JSON Lines, one object a line, its keys the columns and \
        null or an absent key a missing value), on all cores and in bounded memory. The header row \
        names the columns: each schema field must be a column, and each column a field. \
        For each failed check (type, required, unique, minimum, maximum, enum, pattern, \
        minLength, maxLength, primaryKey, and mlx's rows and maxMissingFraction limits) it \
        prints the number of rows and the first five, counted from 1 after the header. \
        A directory stands for every .csv, .tsv, .jsonl and .ndjson file in it. Paths may be \
        outside the repository. Without --schema, each path must be tracked with a pointer \
        that names its schema (`mlx add PATH --schema FILE`). With --features NAME@VERSION \
        the checks are a feature set's definition (exactly its columns, types, constraints) \
        and, when that version's data was profiled, the training data's observed ranges \
        (observed-minimum, observed-maximum). See docs/quality.md.

        Exits 1 when any file fails a check, or when a file or the schema cannot be read.
        """)

    @Argument(help: "Files or directories to check.", completion: .file())
    var paths: [String]

    @Option(
      help: "The Table Schema (YAML or JSON); default: the one each path's pointer names.",
      completion: .file())
    var schema: String?

    @Option(
      help: ArgumentHelp(
        "Check against a feature set's definition instead: NAME@vX.Y.Z, NAME@REV or NAME.",
        valueName: "name@version"))
    var features: String?

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var quiet: QuietOption

    func validate() throws {
      if features != nil, schema != nil { throw ValidationError("give --schema or --features") }
    }

    func run() throws {
      if let directory = global.repository {
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
          throw ValidationError("cannot change to \(directory)")
        }
      }
      let report =
        try features.map { try Workspace.open().validate(paths: paths, featureSet: $0) }
        ?? Workspace.validate(paths: paths, schemaPath: schema)
      if output.json {
        try Output.json(report)
      } else if !quiet.isOn {
        for file in report.files { Self.print(file) }
      }
      let failed = report.files.filter { !$0.valid }
      if !failed.isEmpty {
        let names = failed.map(\.path).joined(separator: ", ")
        let schemas = Set(failed.map(\.schema)).sorted().joined(separator: ", ")
        StandardError.write(
          "mlx: \(names) \(failed.count == 1 ? "does" : "do") not match "
            + "\(features.map { "feature set \($0)" } ?? schema ?? schemas)\n"
        )
        throw ExitCode.failure
      }
    }

    /// One file's report, as `mlx validate` prints it.
    static func print(_ file: TableValidation) {
      for line in file.reportLines { Swift.print(line) }
    }
  }

  /// Table Schemas: `mlx schema infer`.
  struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "schema",
      abstract: "Write Table Schemas for data files.",
      subcommands: [Infer.self])

    struct Infer: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Infer a Table Schema from a CSV, TSV or JSON Lines file.",
        discussion: """
          Reads every row: each column gets the narrowest type all its present values have \
          (integer, number, date, datetime, boolean, else string), and required when no \
          cell is missing (empty or NA). Prints the schema as YAML, or writes it to --output; \
          check it, then add constraints. See docs/quality.md.
          """)

      @Argument(help: "The data file.", completion: .file())
      var path: String

      @Option(name: [.short, .long], help: "Write the schema to this file.", completion: .file())
      var output: String?

      @OptionGroup var global: GlobalOptions
      @OptionGroup var json: OutputOptions

      func run() throws {
        if let directory = global.repository {
          guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw ValidationError("cannot change to \(directory)")
          }
        }
        let (schema, rows) = try Workspace.inferSchema(path: path)
        if json.json {
          try Output.json(schema)
          return
        }
        let text = SchemaInference.yaml(schema, source: path, rows: rows)
        guard let output else {
          Swift.print(text, terminator: "")
          return
        }
        try Workspace.writeSchema(text, to: output)
        Swift.print("Wrote \(output): \(schema.fields.count) fields from \(rows) rows")
      }
    }
  }
}
