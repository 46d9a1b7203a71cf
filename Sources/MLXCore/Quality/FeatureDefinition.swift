import Yams

/// A feature set's definition: the file a `features` artifact's pointer names (`features:`),
/// committed in Git beside the data.
///
/// ```yaml
/// name: churn-features
/// features:
///   - name: tenure_days
///     type: integer
///     description: days since signup
///     source: [signup_date]
///     stage: featurize
///     constraints: {minimum: 0, maximum: 3650}
///   - name: plan
///     type: string
///     source: [plan]
///     stage: featurize
///     constraints: {required: true, enum: [free, pro, team]}
/// ```
///
/// Every feature is a column of the data; ``schema`` turns the list into a Table Schema so
/// `mlx validate --features` checks serving data with the validator.
public struct FeatureDefinition: Codable, Equatable, Sendable {
  public var name: String
  public var features: [Feature]

  public struct Feature: Codable, Equatable, Sendable {
    public var name: String
    public var type: TableSchema.FieldType
    public var description: String?
    /// The columns it is computed from.
    public var source: [String]
    /// The pipeline stage that produces it.
    public var stage: String?
    public var constraints: TableSchema.Constraints
  }

  public init(name: String, features: [Feature]) {
    self.name = name
    self.features = features
  }

  static let keys: Set<String> = ["name", "description", "features"]
  static let featureKeys: Set<String> = [
    "name", "type", "description", "source", "stage", "constraints",
  ]
  static let constraintKeys: Set<String> = ["required", "minimum", "maximum", "enum"]

  /// Parses a definition; `path` names the file in errors, each one line with its line number.
  public init(parsing text: String, path: String) throws(QualityError) {
    do throws(YAMLIssue) {
      let root = try YAMLMapping.parse(text)
      try root.rejectUnknownKeys(Self.keys)
      name = try root.requireString("name")
      guard !name.isEmpty else {
        throw YAMLIssue(line: root.line(of: "name"), message: "'name' must not be empty")
      }
      guard let list = root.node("features")?.sequence, !list.isEmpty else {
        throw YAMLIssue(
          line: root.line(of: "features"), message: "'features' must list at least one feature")
      }
      features = []
      for node in list {
        let feature = try Self.feature(node)
        if features.contains(where: { $0.name == feature.name }) {
          throw YAMLIssue(
            line: node.mark?.line, message: "feature '\(feature.name)' is listed twice")
        }
        features.append(feature)
      }
    } catch {
      throw .malformedFeatures(path: path, line: error.line, problem: error.message)
    }
  }

  private static func feature(_ node: Node) throws(YAMLIssue) -> Feature {
    guard let mapping = node.mapping else {
      throw YAMLIssue(
        line: node.mark?.line, message: "each feature must be a mapping with a 'name'")
    }
    let feature = YAMLMapping(mapping: mapping)
    try feature.rejectUnknownKeys(featureKeys, in: " in a feature")
    let name = try feature.requireString("name")
    guard !name.isEmpty else {
      throw YAMLIssue(line: node.mark?.line, message: "a feature's 'name' must not be empty")
    }
    let typeName = try feature.requireString("type")
    guard let type = TableSchema.FieldType(rawValue: typeName), type != .any else {
      throw YAMLIssue(
        line: feature.line(of: "type"),
        message: "feature '\(name)': unknown type '\(MessageText.quoted(typeName))' (known: "
          + "string, integer, number, boolean, date, datetime)")
    }
    var source: [String] = []
    if let given = feature.node("source") {
      guard let list = given.sequence ?? given.scalar.map({ _ in [given] }) else {
        throw YAMLIssue(
          line: given.mark?.line, message: "feature '\(name)': 'source' must list columns")
      }
      for item in list {
        guard let column = item.scalar?.string, !column.isEmpty else {
          throw YAMLIssue(
            line: item.mark?.line, message: "feature '\(name)': 'source' must list column names")
        }
        source.append(column)
      }
    }
    var constraints = TableSchema.Constraints()
    if let given = try feature.mapping("constraints") {
      try given.rejectUnknownKeys(constraintKeys, in: " in feature '\(name)' constraints")
      constraints.required = try given.boolean("required") ?? false
      constraints.minimum = try given.string("minimum")
      constraints.maximum = try given.string("maximum")
      for (key, bound) in [("minimum", constraints.minimum), ("maximum", constraints.maximum)] {
        guard let bound else { continue }
        guard let value = FieldValue.parse(Array(bound.utf8), as: type), value.isOrdered else {
          throw YAMLIssue(
            line: given.line(of: key),
            message:
              "feature '\(name)': \(key) '\(bound)' is not a \(type.rawValue) to compare with")
        }
      }
      if let list = given.node("enum") {
        guard let items = list.sequence else {
          throw YAMLIssue(
            line: list.mark?.line, message: "feature '\(name)': 'enum' must be a list")
        }
        constraints.enumeration = try items.map { item throws(YAMLIssue) in
          guard let value = item.scalar?.string else {
            throw YAMLIssue(
              line: item.mark?.line, message: "feature '\(name)': 'enum' must list single values")
          }
          return value
        }
      }
    }
    return Feature(
      name: name, type: type, description: try feature.string("description"), source: source,
      stage: try feature.string("stage"), constraints: constraints)
  }

  /// The Table Schema serving data must match: one field per feature, in order.
  public var schema: TableSchema {
    TableSchema(
      fields: features.map { feature in
        TableSchema.Field(
          name: feature.name, type: feature.type, description: feature.description,
          constraints: feature.constraints, maxMissingFraction: nil)
      })
  }
}

/// How two versions of a feature set differ: `mlx features diff`.
public struct FeatureSetDiff: Codable, Equatable, Sendable {
  public struct Change: Codable, Equatable, Sendable {
    public var feature: String
    /// Each changed property: `type`, `source`, `stage`, `description`, `constraints`.
    public var changes: [Property]
  }

  public struct Property: Codable, Equatable, Sendable {
    public var property: String
    public var old: String
    public var new: String
  }

  public var added: [String]
  public var removed: [String]
  public var changed: [Change]

  public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

  public init(_ old: FeatureDefinition, _ new: FeatureDefinition) {
    let oldNames = Set(old.features.map(\.name))
    let newNames = Set(new.features.map(\.name))
    added = new.features.map(\.name).filter { !oldNames.contains($0) }
    removed = old.features.map(\.name).filter { !newNames.contains($0) }
    changed = new.features.compactMap { after in
      guard let before = old.features.first(where: { $0.name == after.name }) else { return nil }
      let properties = [
        ("type", before.type.rawValue, after.type.rawValue),
        ("source", before.source.joined(separator: ", "), after.source.joined(separator: ", ")),
        ("stage", before.stage ?? "", after.stage ?? ""),
        ("description", before.description ?? "", after.description ?? ""),
        ("constraints", Self.describe(before.constraints), Self.describe(after.constraints)),
      ].filter { $0.1 != $0.2 }.map { Property(property: $0.0, old: $0.1, new: $0.2) }
      return properties.isEmpty ? nil : Change(feature: after.name, changes: properties)
    }
  }

  /// Constraints as one line: `required, minimum 0, maximum 9, enum [a, b]`.
  public static func describe(_ constraints: TableSchema.Constraints) -> String {
    var parts: [String] = []
    if constraints.required { parts.append("required") }
    if let minimum = constraints.minimum { parts.append("minimum \(minimum)") }
    if let maximum = constraints.maximum { parts.append("maximum \(maximum)") }
    if let values = constraints.enumeration {
      parts.append("enum [\(values.joined(separator: ", "))]")
    }
    return parts.joined(separator: ", ")
  }
}
