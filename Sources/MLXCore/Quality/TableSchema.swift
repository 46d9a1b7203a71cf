import Yams

/// A Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/), in YAML or
/// JSON, with mlx's two documented extensions: a row-count range and missing-fraction limits.
///
/// ```yaml
/// fields:
///   - name: id
///     type: integer
///     constraints: {required: true, unique: true, minimum: 1}
///   - name: plan
///     type: string
///     constraints: {enum: [free, pro, team]}
///     maxMissingFraction: 0.01        # mlx: at most 1% of rows missing
/// primaryKey: [id]
/// missingValues: ["", "NA"]
/// rows: {minimum: 1000}               # mlx: the table's row count
/// maxMissingFraction: 0.05            # mlx: the default for every field
/// ```
public struct TableSchema: Codable, Equatable, Sendable {
  public var fields: [Field]
  public var primaryKey: [String]
  /// Cell texts that mean "no value" (default: the empty string).
  public var missingValues: [String]
  /// mlx: the least and most rows the table may have.
  public var rows: RowCount?
  /// mlx: the largest fraction of missing cells a field may have, unless it says otherwise.
  public var maxMissingFraction: Double?

  public struct RowCount: Codable, Equatable, Sendable {
    public var minimum: Int?
    public var maximum: Int?
  }

  public struct Field: Codable, Equatable, Sendable {
    public var name: String
    public var type: FieldType
    public var description: String?
    public var constraints: Constraints
    /// mlx: the largest fraction of this field's cells that may be missing.
    public var maxMissingFraction: Double?
  }

  /// The types mlx checks; `any` accepts every value.
  public enum FieldType: String, Codable, Sendable, CaseIterable {
    case string, integer, number, boolean, date, datetime, any
  }

  public struct Constraints: Codable, Equatable, Sendable {
    public var required = false
    public var unique = false
    /// Bounds, written as the field's type writes values (`0`, `2.5`, `2024-01-31`).
    public var minimum: String?
    public var maximum: String?
    public var enumeration: [String]?
    public var pattern: String?
    public var minLength: Int?
    public var maxLength: Int?

    enum CodingKeys: String, CodingKey {
      case required, unique, minimum, maximum, pattern, minLength, maxLength
      case enumeration = "enum"
    }
  }

  public init(
    fields: [Field], primaryKey: [String] = [], missingValues: [String] = [""],
    rows: RowCount? = nil, maxMissingFraction: Double? = nil
  ) {
    self.fields = fields
    self.primaryKey = primaryKey
    self.missingValues = missingValues
    self.rows = rows
    self.maxMissingFraction = maxMissingFraction
  }

  public func field(named name: String) -> Field? { fields.first { $0.name == name } }
}

// MARK: - Reading

extension TableSchema {
  static let schemaKeys: Set<String> = [
    "fields", "primaryKey", "missingValues", "rows", "maxMissingFraction", "foreignKeys",
    "$schema", "name", "title", "description",
  ]
  static let fieldKeys: Set<String> = [
    "name", "type", "format", "constraints", "maxMissingFraction", "title", "description",
    "example", "rdfType", "trueValues", "falseValues", "bareNumber", "groupChar", "decimalChar",
  ]
  static let constraintKeys: Set<String> = [
    "required", "unique", "minimum", "maximum", "enum", "pattern", "minLength", "maxLength",
  ]

  /// Parses a schema written in YAML or JSON; `path` names the file in errors.
  public init(parsing text: String, path: String) throws(QualityError) {
    func fail(_ line: Int?, _ problem: String) -> QualityError {
      .malformedSchema(path: path, line: line, problem: problem)
    }
    do throws(YAMLIssue) {
      let root = try YAMLMapping.parse(text)
      try root.rejectUnknownKeys(Self.schemaKeys)
      guard let list = root.node("fields")?.sequence, !list.isEmpty else {
        throw YAMLIssue(
          line: root.line(of: "fields"), message: "'fields' must list at least one field")
      }
      var fields: [Field] = []
      for node in list {
        let field = try Self.field(node)
        if fields.contains(where: { $0.name == field.name }) {
          throw YAMLIssue(line: node.mark?.line, message: "field '\(field.name)' is listed twice")
        }
        fields.append(field)
      }
      self.init(fields: fields)
      primaryKey = try Self.names(root, "primaryKey")
      for key in primaryKey where field(named: key) == nil {
        throw YAMLIssue(
          line: root.line(of: "primaryKey"), message: "primaryKey names no field '\(key)'")
      }
      if root.node("missingValues") != nil { missingValues = try Self.names(root, "missingValues") }
      if let range = try root.mapping("rows") {
        try range.rejectUnknownKeys(["minimum", "maximum"], in: " in 'rows'")
        rows = RowCount(
          minimum: try range.integer("minimum"), maximum: try range.integer("maximum"))
      }
      maxMissingFraction = try Self.fraction(root, "maxMissingFraction")
    } catch {
      throw fail(error.line, error.message)
    }
  }

  private static func field(_ node: Node) throws(YAMLIssue) -> Field {
    guard let mapping = node.mapping else {
      throw YAMLIssue(line: node.mark?.line, message: "each field must be a mapping with a 'name'")
    }
    let field = YAMLMapping(mapping: mapping)
    try field.rejectUnknownKeys(fieldKeys, in: " in a field")
    let name = try field.requireString("name")
    guard !name.isEmpty else {
      throw YAMLIssue(line: node.mark?.line, message: "a field's 'name' must not be empty")
    }
    let typeName = try field.string("type") ?? "string"
    guard let type = FieldType(rawValue: typeName) else {
      throw YAMLIssue(
        line: field.line(of: "type"),
        message: "field '\(name)': unknown type '\(typeName)' (known: "
          + FieldType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
    }
    var constraints = Constraints()
    if let given = try field.mapping("constraints") {
      try given.rejectUnknownKeys(constraintKeys, in: " in field '\(name)' constraints")
      constraints.required = try given.boolean("required") ?? false
      constraints.unique = try given.boolean("unique") ?? false
      constraints.minimum = try given.string("minimum")
      constraints.maximum = try given.string("maximum")
      constraints.pattern = try given.string("pattern")
      constraints.minLength = try given.integer("minLength")
      constraints.maxLength = try given.integer("maxLength")
      if given.node("enum") != nil { constraints.enumeration = try names(given, "enum") }
      for (key, bound) in [("minimum", constraints.minimum), ("maximum", constraints.maximum)] {
        guard let bound else { continue }
        guard let value = FieldValue.parse(Array(bound.utf8), as: type), value.isOrdered else {
          throw YAMLIssue(
            line: given.line(of: key),
            message: "field '\(name)': \(key) '\(bound)' is not a \(type.rawValue) to compare with")
        }
      }
      if let pattern = constraints.pattern {
        do throws(TextPattern.SyntaxError) {
          _ = try TextPattern(pattern)
        } catch {
          throw YAMLIssue(
            line: given.line(of: "pattern"),
            message:
              "field '\(name)': pattern '\(pattern)' is not a regular expression "
              + "(\(error.message) at offset \(error.offset))")
        }
      }
    }
    return Field(
      name: name, type: type, description: try field.string("description"),
      constraints: constraints, maxMissingFraction: try fraction(field, "maxMissingFraction"))
  }

  /// A list of scalars as text.
  private static func names(_ mapping: YAMLMapping, _ key: String) throws(YAMLIssue) -> [String] {
    guard let node = mapping.node(key) else { return [] }
    if let single = node.scalar, key == "primaryKey" { return [single.string] }
    guard let list = node.sequence else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a list")
    }
    var values: [String] = []
    for item in list {
      guard let scalar = item.scalar else {
        throw YAMLIssue(line: item.mark?.line, message: "'\(key)' must list single values")
      }
      values.append(scalar.string)
    }
    return values
  }

  private static func fraction(_ mapping: YAMLMapping, _ key: String) throws(YAMLIssue) -> Double? {
    guard let node = mapping.node(key) else { return nil }
    guard let value = node.float, value >= 0, value <= 1 else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a number from 0 to 1")
    }
    return value
  }
}
