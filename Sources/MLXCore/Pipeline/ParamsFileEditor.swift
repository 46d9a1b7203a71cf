import Foundation
import Yams

/// Writes `-S` overrides into a params file, as `dvc exp run -S` does, so the file, the
/// lock, the outputs and lineage agree on the values a run used.
///
/// Each value is replaced where it stands, so comments, key order and the spelling of every
/// other value stay as they were; the new value keeps the spelling it was given (`1.0`
/// stays `1.0`). Only a value the file already holds on one line can be set: a missing key,
/// a mapping or list, or a multi-line or escaped string is an error naming the key.
enum ParamsFileEditor {
  /// `text` (the content of `file`) with `overrides` written into it.
  static func applying(
    _ overrides: [ParamOverrides.Override], to text: String, file: String
  ) throws(PipelineError) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      Array(String($0).unicodeScalars)
    }
    for override in overrides {
      // Composed again after each edit: the marks of later values may have moved.
      let joined = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
      let root: Node?
      do {
        root = try Yams.compose(yaml: joined)
      } catch {
        throw .unreadableValues(path: file, problem: "not valid YAML, so -S cannot edit it")
      }
      guard let node = root.flatMap({ value(at: override.key, in: $0) }) else {
        throw .overrideKeyMissing(file: file, key: override.key)
      }
      guard let span = span(of: node, in: lines) else {
        throw .overrideNotInPlace(file: file, key: override.key)
      }
      let replacement = Array(spelling(of: override, file: file).unicodeScalars)
      lines[span.line].replaceSubrange(span.columns, with: replacement)
    }
    let result = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    // Read back: every override must now hold in the file, or nothing is written.
    guard let tree = try? ValuesFile.parse(result, displayPath: file),
      overrides.allSatisfy({ tree.lookup($0.key) == $0.value })
    else {
      throw .overrideNotInPlace(file: file, key: overrides.first?.key ?? "")
    }
    return result
  }

  /// The node at a dotted key, through nested mappings.
  private static func value(at dottedKey: String, in root: Node) -> Node? {
    var current = root
    for part in dottedKey.split(separator: ".", omittingEmptySubsequences: false) {
      guard let mapping = current.mapping,
        let next = mapping.first(where: { $0.key.scalar?.string == String(part) })?.value
      else { return nil }
      current = next
    }
    return current
  }

  /// Where a one-line scalar's text stands: its line (0-based) and columns, quotes included.
  private static func span(
    of node: Node, in lines: [[Unicode.Scalar]]
  ) -> (line: Int, columns: Range<Int>)? {
    guard let scalar = node.scalar, let mark = node.mark else { return nil }
    let line = mark.line - 1
    let start = mark.column - 1
    guard lines.indices.contains(line), start >= 0, start <= lines[line].count else { return nil }
    let rest = Array(lines[line][start...])
    let value = Array(scalar.string.unicodeScalars)
    switch scalar.style {
    case .plain, .any:
      guard !value.isEmpty, rest.starts(with: value) else { return nil }
      return (line, start..<(start + value.count))
    case .singleQuoted, .doubleQuoted:
      let quote: Unicode.Scalar = scalar.style == .singleQuoted ? "'" : "\""
      let quoted = [quote] + value + [quote]
      guard !value.contains(quote), !value.contains("\\"), rest.starts(with: quoted) else {
        return nil
      }
      return (line, start..<(start + quoted.count))
    default:
      return nil
    }
  }

  /// The text to write: numbers, booleans and null as given; strings quoted as the file's
  /// format needs.
  private static func spelling(of override: ParamOverrides.Override, file: String) -> String {
    guard case .string(let text) = override.value else { return override.text }
    if file.lowercased().hasSuffix(".json") {
      let encoder = JSONEncoder()
      encoder.outputFormatting = .withoutEscapingSlashes
      let data = (try? encoder.encode(text)) ?? Data()
      return String(decoding: data, as: UTF8.self)
    }
    return YAMLText.string(text)
  }
}
