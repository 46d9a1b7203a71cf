import Yams

/// A problem found in a YAML file, with the 1-based line where the parser knows it.
struct YAMLIssue: Error, Equatable {
  var line: Int?
  var message: String
}

/// A YAML mapping, read with the line of every key so errors can point at it.
///
/// mlx's files (pointers, config, pipeline, policy) are all mappings at the top; this type is
/// the one place that turns Yams nodes into checked Swift values.
struct YAMLMapping {
  let mapping: Node.Mapping

  /// Parses `text`, which must hold one mapping (an empty document is an empty mapping).
  static func parse(_ text: String) throws(YAMLIssue) -> YAMLMapping {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw Self.issue(from: error)
    } catch {
      throw YAMLIssue(line: nil, message: "\(error)")
    }
    guard let root else { return YAMLMapping(mapping: Node.Mapping([])) }
    guard let mapping = root.mapping else {
      throw YAMLIssue(line: root.mark?.line, message: "expected a mapping of `key: value` lines")
    }
    return YAMLMapping(mapping: mapping)
  }

  private static func issue(from error: YamlError) -> YAMLIssue {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return YAMLIssue(line: mark.line, message: "invalid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return YAMLIssue(
        line: context.mark.line,
        message: "duplicated key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
    default:
      return YAMLIssue(line: nil, message: "invalid YAML: \(error)")
    }
  }

  /// The keys in file order.
  var keys: [String] { mapping.keys.compactMap { $0.scalar?.string } }

  func node(_ key: String) -> Node? { mapping[key] }

  /// The line of `key`, or of the mapping when the key is absent.
  func line(of key: String) -> Int? {
    for (candidate, _) in mapping where candidate.scalar?.string == key {
      return candidate.mark?.line
    }
    return mapping.mark?.line
  }

  /// Throws for the first key not in `allowed`.
  func rejectUnknownKeys(_ allowed: Set<String>, in context: String = "") throws(YAMLIssue) {
    for (key, _) in mapping {
      let name = key.scalar?.string ?? "\(key)"
      guard allowed.contains(name) else {
        let known = allowed.sorted().joined(separator: ", ")
        throw YAMLIssue(
          line: key.mark?.line,
          message: "unknown key '\(name)'\(context) (known keys: \(known))")
      }
    }
  }

  func requireNode(_ key: String) throws(YAMLIssue) -> Node {
    guard let node = mapping[key] else {
      throw YAMLIssue(line: mapping.mark?.line, message: "missing key '\(key)'")
    }
    return node
  }

  /// A scalar value as text; nil when absent.
  func string(_ key: String) throws(YAMLIssue) -> String? {
    guard let node = mapping[key] else { return nil }
    guard let scalar = node.scalar else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a single value")
    }
    return scalar.string
  }

  func requireString(_ key: String) throws(YAMLIssue) -> String {
    guard let value = try string(key) else {
      throw YAMLIssue(line: mapping.mark?.line, message: "missing key '\(key)'")
    }
    return value
  }

  /// An integer value; nil when absent.
  func integer(_ key: String) throws(YAMLIssue) -> Int? {
    guard let node = mapping[key] else { return nil }
    guard node.scalar != nil, let value = node.int else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a whole number")
    }
    return value
  }

  /// A true/false value; nil when absent.
  func boolean(_ key: String) throws(YAMLIssue) -> Bool? {
    guard let node = mapping[key] else { return nil }
    guard node.scalar != nil, let value = node.bool else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be true or false")
    }
    return value
  }

  /// A nested mapping; nil when absent.
  func mapping(_ key: String) throws(YAMLIssue) -> YAMLMapping? {
    guard let node = mapping[key] else { return nil }
    if node.null != nil { return YAMLMapping(mapping: Node.Mapping([])) }
    guard let nested = node.mapping else {
      throw YAMLIssue(line: node.mark?.line, message: "'\(key)' must be a mapping")
    }
    return YAMLMapping(mapping: nested)
  }
}
