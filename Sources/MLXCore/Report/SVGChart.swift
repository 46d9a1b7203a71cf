import Foundation

/// Charts as inline SVG: axes with ticks and labels, a `<title>` for screen readers, and a
/// `data-chart` attribute naming the kind so tests (and people) can find them.
public enum SVGChart {
  /// One line of a line chart: a value per x position, nil where it has none.
  public struct Series: Sendable {
    public let name: String
    public let values: [Double?]

    public init(name: String, values: [Double?]) { (self.name, self.values) = (name, values) }
  }

  static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
  static let width = 720.0
  static let height = 320.0
  static let left = 70.0
  static let right = 50.0
  static let top = 36.0
  static let bottom = 70.0
  static var plotWidth: Double { width - left - right }
  static var plotHeight: Double { height - top - bottom }

  /// Values at x positions (runs, versions), joined by lines; `notes` writes a word above a
  /// point (the stage a version holds).
  public static func line(
    title: String, xLabels: [String], series: [Series], yLabel: String,
    notes: [Int: String] = [:]
  ) -> String {
    let values = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
    let axis = Axis(values.min() ?? 0, values.max() ?? 1)
    var svg = open(kind: "line", title: title)
    svg += yAxis(axis, label: yLabel)
    let step = xLabels.count > 1 ? plotWidth / Double(xLabels.count - 1) : 0
    func x(_ index: Int) -> Double {
      left + (xLabels.count > 1 ? Double(index) * step : plotWidth / 2)
    }
    svg += xAxis(labels: xLabels.enumerated().map { (x($0.offset), $0.element) })
    for (number, line) in series.enumerated() {
      let color = palette[number % palette.count]
      let points = line.values.enumerated().compactMap { index, value in
        value.flatMap { $0.isFinite ? (x(index), axis.y($0), $0) : nil }
      }
      if points.count > 1 {
        svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\""
        svg += points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ") + "\"/>"
      }
      for point in points {
        svg += "<circle cx=\"\(f(point.0))\" cy=\"\(f(point.1))\" r=\"4\" fill=\"\(color)\">"
        svg += "<title>\(HTML.escape("\(line.name) = \(HTML.number(point.2))"))</title></circle>"
      }
    }
    for (index, note) in notes.sorted(by: { $0.key < $1.key }) where index < xLabels.count {
      svg += text(
        x(index), top - 6, note, anchor: "middle", extra: "font-weight=\"bold\" fill=\"#176d17\"")
    }
    svg += legend(series.map(\.name))
    return svg + "</svg>"
  }

  /// One bar per label.
  public static func bar(title: String, labels: [String], values: [Double], yLabel: String)
    -> String
  {
    let axis = Axis(
      min(0, values.filter(\.isFinite).min() ?? 0), max(0, values.filter(\.isFinite).max() ?? 1))
    var svg = open(kind: "bar", title: title)
    svg += yAxis(axis, label: yLabel)
    let slot = plotWidth / Double(max(labels.count, 1))
    svg += xAxis(
      labels: labels.enumerated().map { (left + slot * (Double($0.offset) + 0.5), $0.element) })
    for (index, value) in values.enumerated() where index < labels.count && value.isFinite {
      let (y0, y1) = (axis.y(0), axis.y(value))
      svg += "<rect x=\"\(f(left + slot * Double(index) + slot * 0.15))\" y=\"\(f(min(y0, y1)))\" "
      svg +=
        "width=\"\(f(slot * 0.7))\" height=\"\(f(max(abs(y1 - y0), 0.5)))\" fill=\"\(palette[0])\">"
      svg += "<title>\(HTML.escape("\(labels[index]) = \(HTML.number(value))"))</title></rect>"
    }
    return svg + "</svg>"
  }

  /// Two distributions over the same bins, overlaid: `edges` has one more element than each
  /// count array. Bars of the first are blue, of the second orange, both half transparent.
  /// With `categories` (one per count), the bins are those categories, equally wide and
  /// labelled with them, and `edges` is ignored.
  public static func histogramOverlay(
    title: String, edges: [Double], first: (name: String, counts: [Double]),
    second: (name: String, counts: [Double]), xLabel: String, yLabel: String = "count",
    categories: [String]? = nil
  ) -> String {
    let edges = categories.map { names in (0...names.count).map(Double.init) } ?? edges
    let bins = min(edges.count - 1, first.counts.count, second.counts.count)
    let highest = (first.counts + second.counts).filter(\.isFinite).max() ?? 1
    let axis = Axis(0, max(highest, 1e-12))
    var svg = open(kind: "histogram", title: title)
    svg += yAxis(axis, label: yLabel)
    guard bins > 0, let low = edges.first, let high = edges.last, high > low else {
      return svg + text(left + plotWidth / 2, top + plotHeight / 2, "no values", anchor: "middle")
        + "</svg>"
    }
    func x(_ value: Double) -> Double { left + (value - low) / (high - low) * plotWidth }
    if let categories {
      svg += xAxis(
        labels: categories.enumerated().map { (x(Double($0.offset) + 0.5), $0.element) })
    } else {
      let ticks = Axis(low, high).ticks.filter { $0 >= low && $0 <= high }
      svg += xAxis(labels: ticks.map { (x($0), HTML.number($0)) })
    }
    svg += text(left + plotWidth / 2, height - 12, xLabel, anchor: "middle")
    for (number, side) in [first, second].enumerated() {
      let color = palette[number]
      for bin in 0..<bins where side.counts[bin].isFinite && side.counts[bin] > 0 {
        let (x0, x1) = (x(edges[bin]), x(edges[bin + 1]))
        let y = axis.y(side.counts[bin])
        svg += "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(max(x1 - x0, 0.5)))\" "
        svg +=
          "height=\"\(f(top + plotHeight - y))\" fill=\"\(color)\" fill-opacity=\"0.5\" stroke=\"\(color)\">"
        let label =
          categories.map { $0[bin] }
          ?? "[\(HTML.number(edges[bin])), \(HTML.number(edges[bin + 1])))"
        svg +=
          "<title>\(HTML.escape("\(side.name) \(label): \(HTML.number(side.counts[bin]))"))</title></rect>"
      }
    }
    svg += legend([first.name, second.name], opacity: 0.5)
    return svg + "</svg>"
  }

  // MARK: - Pieces

  /// A value axis: round ticks covering the values.
  struct Axis {
    let ticks: [Double]
    let low: Double
    let high: Double

    init(_ low: Double, _ high: Double, count: Int = 5) {
      var (low, high) = (low, high)
      if low == high {
        let pad = low == 0 ? 1 : abs(low) * 0.1
        (low, high) = (low - pad, high + pad)
      }
      let raw = (high - low) / Double(count)
      let magnitude = pow(10, floor(log10(raw)))
      let scaled = raw / magnitude
      let step = (scaled < 1.5 ? 1 : scaled < 3 ? 2 : scaled < 7 ? 5 : 10) * magnitude
      let first = (low / step).rounded(.down) * step
      let last = (high / step).rounded(.up) * step
      var ticks: [Double] = []
      var tick = first
      while tick <= last + step / 2, ticks.count < 50 {
        ticks.append(abs(tick) < step / 1e9 ? 0 : tick)
        tick += step
      }
      (self.ticks, self.low, self.high) = (ticks, first, max(last, first + step))
    }

    /// The vertical position of a value.
    func y(_ value: Double) -> Double {
      SVGChart.top + SVGChart.plotHeight * (1 - (value - low) / (high - low))
    }
  }

  static func f(_ value: Double) -> String { String(format: "%.1f", value) }

  static func open(kind: String, title: String) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"\(kind)\" role=\"img\" "
      + "aria-label=\"\(HTML.escape(title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
      + "width=\"\(f(width))\" height=\"\(f(height))\"><title>\(HTML.escape(title))</title>"
      + "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#fff\"/>"
      + text(width / 2, 18, title, anchor: "middle", extra: "font-weight=\"bold\"")
  }

  static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, extra: String = "")
    -> String
  {
    "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"12\" text-anchor=\"\(anchor)\" \(extra)>\(HTML.escape(content))</text>"
  }

  static func yAxis(_ axis: Axis, label: String) -> String {
    let bottomY = top + plotHeight
    var svg = "<g class=\"axis\" data-axis=\"y\">"
    svg +=
      "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottomY))\" stroke=\"#333\"/>"
    for tick in axis.ticks {
      let y = axis.y(tick)
      svg +=
        "<line x1=\"\(f(left - 5))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
      svg += text(left - 8, y + 4, HTML.number(tick), anchor: "end")
    }
    svg +=
      "<line x1=\"\(f(left))\" y1=\"\(f(bottomY))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(bottomY))\" stroke=\"#333\"/>"
    svg += text(
      16, top + plotHeight / 2, label, anchor: "middle",
      extra: "transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\"")
    return svg + "</g>"
  }

  /// Ticks and labels along the bottom; long labels are cut, and slanted when there are many.
  static func xAxis(labels: [(Double, String)]) -> String {
    let bottomY = top + plotHeight
    var svg = "<g class=\"axis\" data-axis=\"x\">"
    let slant = labels.count > 6
    for (x, label) in labels {
      let shown = label.count > 22 ? String(label.prefix(21)) + "…" : label
      svg +=
        "<line x1=\"\(f(x))\" y1=\"\(f(bottomY))\" x2=\"\(f(x))\" y2=\"\(f(bottomY + 5))\" stroke=\"#333\"/>"
      svg +=
        slant
        ? text(
          x, bottomY + 16, shown, anchor: "end",
          extra: "transform=\"rotate(-30 \(f(x)) \(f(bottomY + 16)))\"")
        : text(x, bottomY + 18, shown, anchor: "middle")
    }
    return svg + "</g>"
  }

  static func legend(_ names: [String], opacity: Double = 1) -> String {
    guard names.count > 1 else { return "" }
    var svg = "<g class=\"legend\">"
    var x = left + 10
    for (number, name) in names.enumerated() {
      let color = palette[number % palette.count]
      svg +=
        "<rect x=\"\(f(x))\" y=\"\(f(top + 4))\" width=\"12\" height=\"12\" fill=\"\(color)\" fill-opacity=\"\(opacity)\"/>"
      svg += text(x + 16, top + 14, name, anchor: "start")
      x += 28 + Double(min(name.count, 30)) * 7
    }
    return svg + "</g>"
  }
}
