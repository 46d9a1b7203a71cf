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
    let text = try checkedText(text)
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

  /// `text` without a leading byte-order mark, once it is known to be UTF-8 (the reader
  /// turned any other bytes into U+FFFD) and free of Git's merge-conflict markers.
  static func checkedText(_ text: String) throws(YAMLIssue) -> String {
    var lineNumber = 0
    let replacement = Array("\u{FFFD}".utf8)
    let markers = ["<<<<<<< ", ">>>>>>> ", "=======\n", "=======\r"].map { Array($0.utf8) }
    var utf8 = Array(text.utf8)
    utf8.append(UInt8(ascii: "\n"))
    for line in utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.count >= 3,
        line.indices.dropLast(2).contains(where: { line[$0...].starts(with: replacement) })
      {
        throw YAMLIssue(line: lineNumber, message: "not UTF-8 text (save it as UTF-8)")
      }
      let ended = Array(line) + [UInt8(ascii: "\n")]
      if markers.contains(where: { ended.starts(with: $0) }) {
        throw YAMLIssue(line: lineNumber, message: "unresolved merge conflict (Git's markers)")
      }
    }
    return text.first == "\u{FEFF}" ? String(text.dropFirst()) : text
  }

  /// Yams' error as one line: its problem and line, never its multi-line excerpt.
  static func issue(from error: YamlError) -> YAMLIssue {
    switch error {
    case .scanner(_, let problem, let mark, let yaml), .parser(_, let problem, let mark, let yaml),
      .composer(_, let problem, let mark, let yaml):
      let line = yaml.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .dropFirst(max(0, mark.line - 1)).first
      let hint =
        line?.contains(UInt8(ascii: "\t")) == true && problem.contains("cannot start any token")
        ? " (YAML indents with spaces, not tabs)" : ""
      let shown =
        problem.hasPrefix("Maximum nesting level reached")
        ? "nested too deeply" : MessageText.quoted(problem)
      return YAMLIssue(line: mark.line, message: "invalid YAML: \(shown)\(hint)")
    case .reader(let problem, let offset, _, let yaml):
      let line = offset.map { offset in
        1 + yaml.utf8.prefix(offset).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
      }
      return YAMLIssue(line: line, message: "not readable as YAML: \(MessageText.quoted(problem))")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return YAMLIssue(
        line: context.mark.line,
        message:
          "duplicated key \(duplicates.map { "'\(MessageText.quoted($0))'" }.joined(separator: ", ")); "
          + "keep one")
    default:
      let problem = "\(error)".split(separator: "\n").first.map(String.init) ?? ""
      return YAMLIssue(line: nil, message: "invalid YAML: \(MessageText.quoted(problem))")
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
      guard let name = key.scalar?.string else {
        throw YAMLIssue(line: key.mark?.line, message: "a key must be a plain name\(context)")
      }
      guard allowed.contains(name) else {
        let known = allowed.sorted().joined(separator: ", ")
        throw YAMLIssue(
          line: key.mark?.line,
          message: "unknown key '\(MessageText.quoted(name))'\(context) (known keys: \(known))")
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
