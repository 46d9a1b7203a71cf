/// Writes YAML scalars so they read back as the same value, for the files mlx emits by hand
/// (pointers, the lock file) where key order and formatting must be deterministic.
enum YAMLText {
  /// Plain text when YAML reads it back unchanged as a string (`python3 src/train.py`);
  /// double-quoted and escaped otherwise (`"yes"`, `"1.0"`, `"a: b"`).
  static func string(_ text: String) -> String {
    if isPlain(text) { return text }
    var escaped = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\t": escaped += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        escaped += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped + "\""
  }

  /// Whether `text` can be written without quotes: no character YAML gives meaning to at the
  /// start, no `: ` or ` #` inside, nothing a YAML 1.1 reader would take for a number, a
  /// boolean or null.
  private static func isPlain(_ text: String) -> Bool {
    guard let first = text.first, let last = text.last,
      !first.isWhitespace, !last.isWhitespace, last != ":",
      !"-?:,[]{}#&*!|>'\"%@`~.+0123456789".contains(first),
      !text.contains(": "), !text.contains(" #"),
      !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
    else { return false }
    let words: Set<String> = ["true", "false", "yes", "no", "y", "n", "on", "off", "null"]
    return !words.contains(text.lowercased())
  }

  /// A double as YAML 1.1 (and PyYAML) reads it back: always with a decimal point.
  static func double(_ number: Double) -> String {
    if number.isNaN { return ".nan" }
    if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
    var text = "\(number)"
    if !text.contains(".") {
      if let exponent = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        text.insert(contentsOf: ".0", at: exponent)
      } else {
        text += ".0"
      }
    }
    return text
  }
}
