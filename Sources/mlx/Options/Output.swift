import Foundation
import MLXCore

/// Prints command results: JSON for scripts, and helpers for text tables.
enum Output {
  /// Prints `value` as pretty, key-sorted JSON with snake_case keys.
  static func json(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
  }

  /// Left-aligned columns separated by two spaces.
  static func table(_ rows: [[String]]) -> String {
    guard let width = rows.map(\.count).max() else { return "" }
    // Characters counted once per cell: a history of 10,000 events is 50,000 cells.
    let counts = rows.map { row in row.map(\.count) }
    var widths = [Int](repeating: 0, count: width)
    for row in counts {
      for (column, count) in row.enumerated() { widths[column] = max(widths[column], count) }
    }
    var lines: [String] = []
    lines.reserveCapacity(rows.count)
    for (row, rowCounts) in zip(rows, counts) {
      var line = ""
      for (column, cell) in row.enumerated() {
        line += cell
        if column < row.count - 1 {
          line += String(repeating: " ", count: widths[column] - rowCounts[column] + 2)
        }
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}

extension QuietOption {
  /// A terminal progress bar, unless `--quiet`, not a terminal, or in CI.
  var reporter: ProgressReporter {
    !isOn && TerminalProgressBar.isUseful ? TerminalProgressBar() : SilentProgress()
  }

  /// Prints `text` on standard output, unless `--quiet`.
  func say(_ text: String, terminator: String = "\n") {
    if !isOn { print(text, terminator: terminator) }
  }

  /// With `--quiet`, says on standard error, in one line, why the command fails (the text
  /// that would have explained it went unprinted).
  func summarize(failure line: @autoclosure () -> String) {
    if isOn { StandardError.write("Error: \(line())\n") }
  }
}

extension Output {
  /// The same JSON as ``json(_:)``, as text; `snakeCase: false` keeps the keys as declared
  /// (formats defined elsewhere, such as in-toto statements, are camelCase).
  static func jsonText(_ value: some Encodable, snakeCase: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }
}
