import Foundation

/// Text made safe for HTML, and the small pieces the reports are built from.
public enum HTML {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in content and in a
  /// quoted attribute.
  public static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.unicodeScalars.append(character)
      }
    }
    return result
  }

  /// `text` in a `<code>` element.
  public static func code(_ text: String) -> String { "<code>\(escape(text))</code>" }

  /// A word in green (ok) or red (not ok).
  public static func badge(_ ok: Bool, _ text: String) -> String {
    "<span class=\"\(ok ? "ok" : "bad")\">\(escape(text))</span>"
  }

  /// A number as people read it: whole numbers without a fraction, others with up to six
  /// significant digits.
  public static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "∞" : "-∞" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(format: "%.6g", value)
  }
}

/// One self-contained HTML page: one inline stylesheet, no script, no external resource, so
/// it opens offline from the file system in any browser.
public struct HTMLPage {
  public let title: String
  private var body: [String] = []

  public init(title: String) { self.title = title }

  static let stylesheet = """
    body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}
    table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
    th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
    th{background:#f3f3f3} .ok{color:#176d17;font-weight:bold} .bad{color:#b00;font-weight:bold}
    .note{color:#666} .rollback{background:#fff3cd;color:#7a5300;padding:0 .3em;font-weight:bold}
    code{font-size:.85em;word-break:break-all} h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
    figure{margin:1em 0} svg{max-width:100%;height:auto;font-family:system-ui,sans-serif}
    """

  /// A heading with escaped text.
  public mutating func heading(_ text: String, level: Int = 2) {
    body.append("<h\(level)>\(HTML.escape(text))</h\(level)>")
  }

  /// A paragraph of escaped text.
  public mutating func paragraph(_ text: String, note: Bool = false) {
    body.append("<p\(note ? " class=\"note\"" : "")>\(HTML.escape(text))</p>")
  }

  /// A paragraph of HTML built with ``HTML``'s helpers (already escaped).
  public mutating func paragraph(html: String) { body.append("<p>\(html)</p>") }

  /// A table: headers are escaped, cells are HTML built with ``HTML``'s helpers.
  public mutating func table(headers: [String], rows: [[String]]) {
    var text = "<table><tr>" + headers.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
    for row in rows { text += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }
    body.append(text + "</table>")
  }

  /// A chart or other SVG made by ``SVGChart`` or ``LineageSVG``.
  public mutating func figure(_ svg: String) { body.append("<figure>\(svg)</figure>") }

  /// HTML built elsewhere with ``HTML``'s helpers.
  public mutating func raw(_ html: String) { body.append(html) }

  public func render() -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(HTML.escape(title))</title>
    <style>
    \(Self.stylesheet)
    </style></head><body>
    <h1>\(HTML.escape(title))</h1>
    \(body.joined(separator: "\n"))
    </body></html>

    """
  }
}
