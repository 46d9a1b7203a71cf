import Foundation
import Yams

/// A value read from a params or metrics file (YAML or JSON), or given with `-S key=value`.
///
/// Nested mappings are flattened into dotted keys (`train.lr`) by ``ParamValue/flatten(_:)``,
/// so a flattened value is a scalar or a list.
public enum ParamValue: Codable, Sendable, Hashable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([ParamValue])
  case map([String: ParamValue])

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([ParamValue].self) {
      self = .list(value)
    } else {
      self = .map(try container.decode([String: ParamValue].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .list(let value): try container.encode(value)
    case .map(let value): try container.encode(value)
    }
  }

  /// Numbers compare by value, so `1` equals `1.0`: JSON (run records) does not keep the
  /// difference that YAML (params files, `mlx.lock`) does.
  public static func == (lhs: ParamValue, rhs: ParamValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.int(let a), .int(let b)): a == b
    case (.int, .double), (.double, .int), (.double, .double): lhs.number == rhs.number
    case (.string(let a), .string(let b)): a == b
    case (.list(let a), .list(let b)): a == b
    case (.map(let a), .map(let b)): a == b
    default: false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let value): hasher.combine(value)
    case .int, .double: hasher.combine(number)
    case .string(let value): hasher.combine(value)
    case .list(let value): hasher.combine(value)
    case .map(let value): hasher.combine(value)
    }
  }

  /// The value as a number, for gates and comparisons.
  public var number: Double? {
    switch self {
    case .int(let value): Double(value)
    case .double(let value): value
    case .bool(let value): value ? 1 : 0
    default: nil
    }
  }

  /// Compact text: numbers and booleans as YAML writes them, strings bare, lists in brackets.
  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let value): value ? "true" : "false"
    case .int(let value): String(value)
    case .double(let value): Self.format(value)
    case .string(let value): value
    case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
    case .map(let values):
      "{" + values.keys.sorted().map { "\($0): \(values[$0]!)" }.joined(separator: ", ") + "}"
    }
  }

  /// Shortest text that reads back as the same double (`0.1`, not `0.1000000000000000055`).
  static func format(_ value: Double) -> String { YAMLText.double(value) }

  /// Nested mappings as dotted keys: `{train: {lr: 0.1}}` gives `["train.lr": 0.1]`.
  public static func flatten(_ value: ParamValue, prefix: String = "") -> [String: ParamValue] {
    guard case .map(let entries) = value else { return prefix.isEmpty ? [:] : [prefix: value] }
    var result: [String: ParamValue] = [:]
    for (key, nested) in entries {
      let name = prefix.isEmpty ? key : prefix + "." + key
      if case .map = nested {
        result.merge(flatten(nested, prefix: name)) { $1 }
      } else {
        result[name] = nested
      }
    }
    return result
  }

  /// The value at a dotted key (`train.lr`), or nil. A key may name a whole subtree.
  public func lookup(_ dottedKey: String) -> ParamValue? {
    var current = self
    for part in dottedKey.split(separator: ".", omittingEmptySubsequences: false) {
      guard case .map(let entries) = current, let next = entries[String(part)] else { return nil }
      current = next
    }
    return current
  }

  /// A copy with the value at a dotted key replaced (intermediate mappings are created).
  public func setting(_ dottedKey: String, to newValue: ParamValue) -> ParamValue {
    let parts = dottedKey.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    return Self.set(parts[...], in: self, to: newValue)
  }

  private static func set(
    _ parts: ArraySlice<String>, in value: ParamValue, to newValue: ParamValue
  ) -> ParamValue {
    guard let first = parts.first else { return newValue }
    var entries: [String: ParamValue] = [:]
    if case .map(let existing) = value { entries = existing }
    entries[first] = set(parts.dropFirst(), in: entries[first] ?? .null, to: newValue)
    return .map(entries)
  }

  /// Parses YAML or JSON text (JSON is read as YAML, which accepts it), keeping each
  /// scalar's YAML type: `1.0` stays a float, `1` an integer, `"1"` a string.
  static func parse(_ text: String) throws -> ParamValue {
    do {
      guard let node = try Yams.compose(yaml: text) else { return .map([:]) }
      return ParamValue(node)
    } catch {
      // JSON that YAML rejects (tab indentation, for example).
      if let json = try? JSONDecoder().decode(ParamValue.self, from: Data(text.utf8)) {
        return json
      }
      throw error
    }
  }

  /// Converts a composed YAML node, using the type YAML resolved for each scalar.
  init(_ node: Node) {
    switch node {
    case .scalar(let scalar):
      switch Tag.Name(rawValue: node.tag.rawValue) {
      case .null: self = .null
      case .bool: self = node.bool.map(ParamValue.bool) ?? .string(scalar.string)
      case .int: self = node.int.map(ParamValue.int) ?? .string(scalar.string)
      case .float: self = node.float.map(ParamValue.double) ?? .string(scalar.string)
      default: self = .string(scalar.string)
      }
    case .sequence(let sequence):
      self = .list(sequence.map(ParamValue.init))
    case .mapping(let mapping):
      var entries: [String: ParamValue] = [:]
      for (key, value) in mapping { entries[key.scalar?.string ?? "\(key)"] = ParamValue(value) }
      self = .map(entries)
    case .alias:
      self = .null
    }
  }

  /// Parses the text after `=` in `-S key=value` the way YAML reads a scalar.
  public static func parseScalar(_ text: String) -> ParamValue {
    guard let node = try? Yams.compose(yaml: text), node.scalar != nil else { return .string(text) }
    return ParamValue(node)
  }
}

extension ParamValue {
  /// A value in flow style: scalars as YAML reads them, lists and maps in brackets.
  var yamlFlow: String {
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .double(let number): return YAMLText.double(number)
    case .string(let text): return YAMLText.string(text)
    case .list(let items): return "[" + items.map(\.yamlFlow).joined(separator: ", ") + "]"
    case .map(let entries):
      let pairs = entries.keys.sorted().map { "\(YAMLText.string($0)): \(entries[$0]!.yamlFlow)" }
      return "{" + pairs.joined(separator: ", ") + "}"
    }
  }
}
