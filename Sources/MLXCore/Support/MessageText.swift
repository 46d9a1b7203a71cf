/// Text read from a file, shown inside an error message that must stay on one short line.
///
/// A file's values can hold anything: newlines (a quoted YAML string), escape sequences, a
/// megabyte on one line. Messages quote them through ``quoted(_:limit:)`` and end as
/// ``oneLine(_:)``, so `Error: …` is always one line a terminal shows as written.
enum MessageText {
  /// `text` with control characters escaped, cut to `limit` characters with `…` after.
  static func quoted(_ text: String, limit: Int = 80) -> String {
    let shown = RelativePath.escaped(text)
    guard shown.count > limit else { return shown }
    return String(shown.prefix(limit)) + "…"
  }

  /// A whole message with any control character left in it escaped.
  static func oneLine(_ message: String) -> String { RelativePath.escaped(message) }
}
