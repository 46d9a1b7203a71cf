import Foundation

/// Opens an HTML file in a real headless browser (Debian's `chromium`) and reports what is
/// wrong with it: any console message (a script error, a resource that failed to load), any
/// reference to something outside the file, and any chart that is missing, has no `<title>`
/// or drew nothing.
///
/// The page is copied beside a small inline script appended to its end, which measures every
/// `<svg data-chart>` with the browser's own layout (`getBBox` of each mark: an element with a
/// `<title>` of its own, as every bar, point and node has) and writes what it
/// found into the DOM; `--dump-dom` prints the DOM once the page has loaded, and
/// `--enable-logging=stderr` prints every console message on standard error as a `CONSOLE`
/// line. Each run has its own profile directory and is stopped by `timeout` after a minute.
public enum BrowserCheck {
  /// What the browser saw.
  public struct Outcome: Sendable {
    /// Console messages, one per line as the browser logged them.
    public let console: [String]
    /// Per chart, in page order: its kind, whether it has a `<title>`, and how many marks
    /// (bars, points, lines, nodes) it drew with a visible size.
    public let charts: [(kind: String, titled: Bool, marks: Int)]
    /// Everything wrong, as sentences; empty when the page is sound.
    public let problems: [String]
  }

  public static var browser: String? {
    ProcessRunner.which("chromium") ?? ProcessRunner.which("chromium-browser")
  }

  /// Opens `file` and checks it holds at least `expected[kind]` drawn charts of each kind.
  public static func check(_ file: String, expecting expected: [String: Int]) throws -> Outcome {
    guard let browser else {
      throw TestFailure(
        "the report tests need a headless browser: apt-get install chromium (scripts/install-deps.sh --test)"
      )
    }
    let scratch = try TemporaryDirectory(prefix: "mlx-browser")
    defer { scratch.remove() }
    let page = try String(contentsOfFile: file, encoding: .utf8)
    var problems = externalReferences(in: page)
    guard let end = page.range(of: "</body>", options: .backwards) else {
      return Outcome(console: [], charts: [], problems: ["\(file) has no </body>"])
    }
    try scratch.write(page.replacingCharacters(in: end, with: probe + "</body>"), to: "page.html")
    var arguments = [
      "60", browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
      "--user-data-dir=\(scratch("profile"))", "--enable-logging=stderr", "--v=0",
      "--dump-dom", URL(fileURLWithPath: scratch("page.html")).absoluteString,
    ]
    if getuid() == 0 { arguments.insert("--no-sandbox", at: 2) }
    let result = try ProcessRunner.run("/usr/bin/timeout", arguments, in: scratch.path)
    if !result.succeeded {
      problems.append("the browser failed (exit \(result.status)): \(result.stderr.suffix(500))")
    }
    let console = result.stderr.split(separator: "\n").map(String.init).filter {
      $0.contains(":CONSOLE")
    }
    problems += console.map { "console: \($0)" }
    var charts: [(kind: String, titled: Bool, marks: Int)] = []
    if let found = measured(in: result.stdout) {
      charts = found
    } else {
      problems.append("the page's charts were not measured: the DOM has no result")
    }
    for chart in charts {
      if !chart.titled { problems.append("a \(chart.kind) chart has no <title>") }
      if chart.marks == 0 { problems.append("a \(chart.kind) chart drew nothing") }
    }
    for (kind, count) in expected.sorted(by: { $0.key < $1.key }) {
      let drawn = charts.filter { $0.kind == kind && $0.marks > 0 }.count
      if drawn < count {
        problems.append("expected \(count) \(kind) chart(s), found \(drawn) drawn")
      }
    }
    return Outcome(console: console, charts: charts, problems: problems)
  }

  /// Appended to the page: measures each chart and writes the result as JSON into the DOM.
  static let probe = """
    <script>
    (function () {
      var out = [];
      document.querySelectorAll("svg[data-chart]").forEach(function (svg) {
        var titled = svg.firstElementChild !== null && svg.firstElementChild.tagName === "title"
          && svg.firstElementChild.textContent.trim().length > 0;
        var marks = 0;
        svg.querySelectorAll("title").forEach(function (title) {
          var shape = title.parentElement;
          if (shape === svg) { return; }
          var box = shape.getBBox();
          if (box.width > 0 || box.height > 0) { marks += 1; }
        });
        out.push({kind: svg.getAttribute("data-chart"), titled: titled, marks: marks});
      });
      var pre = document.createElement("pre");
      pre.id = "mlx-browser-check";
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    })();
    </script>
    """

  static func measured(in dom: String) -> [(kind: String, titled: Bool, marks: Int)]? {
    guard let start = dom.range(of: "<pre id=\"mlx-browser-check\">"),
      let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
    else { return nil }
    let json = String(dom[start.upperBound..<end.lowerBound])
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
      .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    guard let items = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
    else { return nil }
    return items.map {
      (
        ($0["kind"] as? String) ?? "?", ($0["titled"] as? Bool) ?? false,
        ($0["marks"] as? NSNumber)?.intValue ?? 0
      )
    }
  }

  /// Anything the page would fetch: a `src` or `href` that is not a fragment, `url(`, `@import`.
  static func externalReferences(in page: String) -> [String] {
    var found: [String] = []
    for pattern in ["src=", "href=", "url(", "@import"] where page.contains(pattern) {
      var rest = page[...]
      while let hit = rest.range(of: pattern) {
        let value = rest[hit.upperBound...].prefix(60)
        if !(pattern == "href=" && value.hasPrefix("\"#")) {
          found.append("the page refers to something outside it: \(pattern)\(value)")
        }
        rest = rest[hit.upperBound...]
      }
    }
    return found
  }
}
