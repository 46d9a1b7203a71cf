import Foundation

/// A lineage graph drawn as SVG: nodes in layers by their longest distance from the root
/// (the version at the top, what produced it below), each layer ordered by the mean position
/// of the nodes pointing to it, edges with arrowheads and labels. Broken nodes are red,
/// unverified ones grey.
public enum LineageSVG {
  static let boxWidth = 200.0
  static let boxHeight = 44.0
  static let columnGap = 30.0
  static let rowGap = 56.0
  static let margin = 20.0

  public static func render(_ graph: LineageGraph, title: String) -> String {
    let layers = self.layers(graph)
    let widest = layers.map(\.count).max() ?? 1
    let width = margin * 2 + Double(widest) * (boxWidth + columnGap) - columnGap
    let height = margin * 2 + 24 + Double(layers.count) * (boxHeight + rowGap) - rowGap
    var position: [String: (x: Double, y: Double)] = [:]
    for (row, layer) in layers.enumerated() {
      let rowWidth = Double(layer.count) * (boxWidth + columnGap) - columnGap
      var x = (width - rowWidth) / 2
      for id in layer {
        position[id] = (x, margin + 24 + Double(row) * (boxHeight + rowGap))
        x += boxWidth + columnGap
      }
    }
    let f = SVGChart.f
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" data-chart=\"lineage\" role=\"img\" "
      + "aria-label=\"\(HTML.escape(title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
      + "width=\"\(f(width))\" height=\"\(f(height))\"><title>\(HTML.escape(title))</title>"
      + "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#fff\"/>"
      + SVGChart.text(width / 2, 18, title, anchor: "middle", extra: "font-weight=\"bold\"")
    for edge in graph.edges {
      guard let from = position[edge.from], let to = position[edge.to] else { continue }
      let (x1, y1) = (from.x + boxWidth / 2, from.y + boxHeight)
      let (x2, y2) = (to.x + boxWidth / 2, to.y)
      guard y2 > y1 else { continue }
      svg +=
        "<g class=\"edge\"><line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#777\"/>"
      // An arrowhead at the lower end, along the line.
      let angle = atan2(y2 - y1, x2 - x1)
      let wing = { (turn: Double) in
        "\(f(x2 - 8 * cos(angle + turn))),\(f(y2 - 8 * sin(angle + turn)))"
      }
      svg += "<polygon points=\"\(f(x2)),\(f(y2)) \(wing(0.4)) \(wing(-0.4))\" fill=\"#777\"/>"
      svg += SVGChart.text(
        (x1 + x2) / 2 + 4, (y1 + y2) / 2, edge.label, anchor: "start",
        extra: "fill=\"#555\" font-size=\"10\"")
      svg += "</g>"
    }
    for node in graph.nodes {
      guard let at = position[node.id] else { continue }
      let (stroke, fill) =
        switch node.status {
        case .verified: ("#176d17", "#eef8ee")
        case .unverified: ("#888", "#f4f4f4")
        case .broken: ("#b00", "#fdecec")
        }
      svg += "<g class=\"node\" data-status=\"\(node.status.rawValue)\">"
      svg +=
        "<title>\(HTML.escape(([node.title] + node.fields.map { "\($0.name): \($0.value)" } + node.problems).joined(separator: "\n")))</title>"
      svg +=
        "<rect x=\"\(f(at.x))\" y=\"\(f(at.y))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" rx=\"6\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(node.status == .broken ? 2 : 1)\"/>"
      svg += SVGChart.text(at.x + boxWidth / 2, at.y + 17, cut(node.title), anchor: "middle")
      svg += SVGChart.text(
        at.x + boxWidth / 2, at.y + 34, "\(node.kind.rawValue) · \(node.status.rawValue)",
        anchor: "middle", extra: "fill=\"\(stroke)\" font-size=\"10\"")
      svg += "</g>"
    }
    return svg + "</svg>"
  }

  static func cut(_ text: String) -> String {
    text.count > 28 ? String(text.prefix(27)) + "…" : text
  }

  /// Node ids by layer: each node at its longest distance from the root along the edges
  /// (a cycle, which a lineage should not have, stops growing after as many rounds as there
  /// are nodes); nodes the root does not reach go in the last layer.
  static func layers(_ graph: LineageGraph) -> [[String]] {
    var depth: [String: Int] = [graph.root: 0]
    for _ in 0..<max(graph.nodes.count, 1) {
      var changed = false
      for edge in graph.edges {
        guard let from = depth[edge.from] else { continue }
        if from + 1 > depth[edge.to] ?? -1, from + 1 < graph.nodes.count + 1 {
          depth[edge.to] = from + 1
          changed = true
        }
      }
      if !changed { break }
    }
    let deepest = depth.values.max() ?? 0
    let known = Set(graph.nodes.map(\.id))
    var layers = Array(repeating: [String](), count: deepest + 1)
    var unreached: [String] = []
    for node in graph.nodes {
      if let level = depth[node.id] {
        layers[level].append(node.id)
      } else {
        unreached.append(node.id)
      }
    }
    if !unreached.isEmpty { layers.append(unreached) }
    // Order each layer by the mean index of its parents in the layer above.
    for row in layers.indices.dropFirst() {
      let above = Dictionary(
        uniqueKeysWithValues: layers[row - 1].enumerated().map { ($1, Double($0)) })
      let order = layers[row].enumerated().map { index, id -> (Double, Int, String) in
        let parents = graph.edges.filter { $0.to == id && known.contains($0.from) }.compactMap {
          above[$0.from]
        }
        return (
          parents.isEmpty ? Double(index) : parents.reduce(0, +) / Double(parents.count), index, id
        )
      }
      layers[row] = order.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
    return layers.filter { !$0.isEmpty }
  }
}
