import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The HTML and SVG pieces the reports are built from; every page is opened in chromium.
@Suite struct ReportToolkitTests {
  /// Writes `html` to a temporary file and opens it in the browser.
  private func open(_ html: String, expecting charts: [String: Int]) throws -> BrowserCheck.Outcome
  {
    let directory = try TemporaryDirectory(prefix: "mlx-report")
    defer { directory.remove() }
    try directory.write(html, to: "report.html")
    return try BrowserCheck.check(directory("report.html"), expecting: charts)
  }

  @Test func escapingLeavesNoMarkupThrough() {
    #expect(
      HTML.escape("<script>alert('x') & \"y\"</script>")
        == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    var page = HTMLPage(title: "a <b> title")
    page.paragraph("</p><script>bad()</script>")
    page.table(headers: ["<th>"], rows: [[HTML.code("<td>")]])
    let html = page.render()
    #expect(!html.contains("<script>"))
    #expect(html.contains("<title>a &lt;b&gt; title</title>"))
    #expect(html.components(separatedBy: "<style>").count == 2, "one inline stylesheet")
  }

  @Test func numbersAreWrittenAsPeopleReadThem() {
    #expect(HTML.number(3) == "3")
    #expect(HTML.number(0.125) == "0.125")
    #expect(HTML.number(1.0 / 3) == "0.333333")
    #expect(HTML.number(-2e20) == "-2e+20")
  }

  @Test func axisTicksAreRoundAndCoverTheValues() {
    let axis = SVGChart.Axis(0.83, 0.97)
    #expect(axis.ticks.first! <= 0.83 && axis.ticks.last! >= 0.97)
    let steps = zip(axis.ticks, axis.ticks.dropFirst()).map { $1 - $0 }
    #expect(steps.allSatisfy { abs($0 - steps[0]) < 1e-9 })
    let flat = SVGChart.Axis(5, 5)
    #expect(flat.low < 5 && flat.high > 5)
    #expect(SVGChart.Axis(0, 100).ticks == [0, 20, 40, 60, 80, 100])
  }

  @Test func chartsOpenInABrowserWithTitlesAxesAndMarks() throws {
    var page = HTMLPage(title: "charts")
    page.figure(
      SVGChart.line(
        title: "accuracy by run", xLabels: ["r1", "r2", "r3"],
        series: [.init(name: "accuracy", values: [0.8, nil, 0.9])], yLabel: "accuracy",
        notes: [2: "production"]))
    page.figure(SVGChart.bar(title: "sizes", labels: ["a", "b"], values: [3, -1], yLabel: "MB"))
    page.figure(
      SVGChart.histogramOverlay(
        title: "age", edges: [0, 10, 20, 30], first: ("baseline", [1, 5, 2]),
        second: ("current", [0, 3, 6]), xLabel: "age"))
    let html = page.render()
    #expect(html.contains("data-chart=\"line\"") && html.contains("data-axis=\"y\""))
    let outcome = try open(html, expecting: ["line": 1, "bar": 1, "histogram": 1])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.charts.map(\.kind) == ["line", "bar", "histogram"])
    // Two points, two bars, five non-empty bins.
    #expect(outcome.charts.map(\.marks) == [2, 2, 5], "\(outcome.charts)")
  }

  /// The check itself fails: a broken inline script, a console error, an empty chart, a chart
  /// without a title, a stylesheet from the network.
  @Test func theBrowserCheckFailsOnABrokenPage() throws {
    let broken = """
      <!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title>
      <link rel="stylesheet" href="https://example.com/style.css"></head><body>
      <svg data-chart="line" width="100" height="100"><title>empty</title></svg>
      <svg data-chart="bar" width="100" height="100"><rect width="10" height="10"><title>a bar</title></rect></svg>
      <script>var x = ;</script>
      <script>console.error("boom")</script>
      </body></html>
      """
    let outcome = try open(broken, expecting: ["line": 1, "histogram": 1])
    let problems = outcome.problems.joined(separator: "\n")
    #expect(outcome.console.count == 2, "\(outcome.console)")
    #expect(problems.contains("SyntaxError"), "\(problems)")
    #expect(problems.contains("boom"))
    #expect(problems.contains("a line chart drew nothing"))
    #expect(problems.contains("a bar chart has no <title>"))
    #expect(problems.contains("expected 1 histogram chart(s), found 0 drawn"))
    #expect(problems.contains("outside it: href=\"https://example.com"))
  }

  @Test func theLineageGraphIsLaidOutInLayers() throws {
    var graph = LineageGraph(direction: .upstream, root: "version:m@v1")
    graph.add(LineageNode(id: "version:m@v1", kind: .version, title: "m v1"))
    graph.add(LineageNode(id: "event:m#prod#1", kind: .event, title: "m#prod#1"))
    graph.add(LineageNode(id: "commit:abc", kind: .commit, title: "commit abc"))
    graph.add(LineageNode(id: "run:r1", kind: .run, title: "run r1"))
    graph.add(LineageNode(id: "artifact:data", kind: .artifact, title: "data.csv <raw>"))
    graph.link("version:m@v1", "event:m#prod#1", "assignment")
    graph.link("version:m@v1", "commit:abc", "at commit")
    graph.link("version:m@v1", "run:r1", "produced by")
    graph.link("run:r1", "artifact:data", "used")
    graph.link("commit:abc", "artifact:data", "holds")
    graph.broken("run:r1", .dirtyRun, "run r1 was dirty")
    let layers = LineageSVG.layers(graph)
    #expect(layers.count == 3)
    #expect(layers[0] == ["version:m@v1"])
    #expect(Set(layers[1]) == ["event:m#prod#1", "commit:abc", "run:r1"])
    #expect(layers[2] == ["artifact:data"])
    let svg = LineageSVG.render(graph, title: "lineage of m v1")
    #expect(svg.contains("data-status=\"broken\""))
    #expect(svg.contains("data.csv &lt;raw&gt;"))
    var page = HTMLPage(title: "lineage")
    page.figure(svg)
    let outcome = try open(page.render(), expecting: ["lineage": 1])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    #expect(outcome.charts.first?.marks == 5)
  }

  @Test func theDriftReportDrawsEveryColumn() throws {
    let columns = [
      DriftReportHTML.Column(
        name: "age", kind: "numeric", statistics: ["psi": 0.31, "ks_p_value": 0.001],
        verdict: "drift", drifted: true, edges: [18, 30, 45, 60, 90],
        baseline: [120, 340, 280, 60], current: [40, 200, 390, 170]),
      DriftReportHTML.Column(
        name: "income <usd>", kind: "numeric", statistics: ["psi": 0.02], verdict: "no drift",
        drifted: false, edges: [0, 1e4, 5e4, 1e5], baseline: [0.2, 0.5, 0.3],
        current: [0.21, 0.49, 0.3]),
      DriftReportHTML.Column(
        name: "city", kind: "categorical", statistics: ["js": 0.2], verdict: "drift",
        drifted: true, categories: ["Oslo", "Lima", "<none>"], baseline: [0.5, 0.5, 0],
        current: [0.2, 0.6, 0.2]),
    ]
    let html = try DriftReportHTML.render(
      columns: columns, baseline: "data/train.csv", current: "data/new.csv")
    #expect(html.contains("2 of 3 column(s) drifted."))
    #expect(html.contains(">&lt;none&gt;</text>"), "categories label the bins")
    #expect(html.contains("income &lt;usd&gt;"))
    #expect(html.contains("psi = 0.31"))
    let outcome = try open(html, expecting: ["histogram": 3])
    #expect(outcome.problems.isEmpty, "\(outcome.problems)")
    // Empty bins draw nothing: 4 + 4, 3 + 3, 2 + 3.
    #expect(outcome.charts.map(\.marks) == [8, 6, 5], "\(outcome.charts)")

    #expect(throws: ReportError.self) {
      try DriftReportHTML.render(
        columns: [
          .init(
            name: "x", kind: "numeric", statistics: [:], verdict: "", drifted: false,
            edges: [0, 1], baseline: [1, 2], current: [1])
        ], baseline: "a", current: "b")
    }
    #expect(throws: ReportError.self) {
      try DriftReportHTML.render(
        columns: [
          .init(
            name: "c", kind: "categorical", statistics: [:], verdict: "", drifted: false,
            categories: ["a"], baseline: [1, 2], current: [1])
        ], baseline: "a", current: "b")
    }
    do {
      _ = try DriftReportHTML.render(
        columns: [
          .init(
            name: "x", kind: "numeric", statistics: [:], verdict: "", drifted: false,
            edges: [1, 0], baseline: [1], current: [1])
        ], baseline: "a", current: "b")
      Issue.record("decreasing edges were accepted")
    } catch {
      #expect(
        "\(error)" == "the histogram of column 'x' cannot be drawn: the bin edges do not increase")
    }
  }
}
