import Foundation

/// Renders a lineage graph as a text tree, Graphviz DOT or Mermaid.
public enum LineageRenderer {
  // MARK: - Text

  /// An indented tree from the root, each node with its status; a node reached twice is
  /// shown once and referred to after. `color` adds ANSI colours for a terminal.
  public static func text(_ graph: LineageGraph, color: Bool) -> String {
    var lines: [String] = []
    var shown: Set<String> = []
    func paint(_ text: String, _ code: String) -> String {
      color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    func mark(_ node: LineageNode) -> String {
      switch node.status {
      case .verified: paint("✓", "32")
      case .unverified: paint("?", "33")
      case .broken: paint("✗", "31")
      }
    }
    func visit(_ id: String, label: String?, prefix: String, isLast: Bool, isRoot: Bool) {
      guard let node = graph.node(id) else { return }
      let branch = isRoot ? "" : (isLast ? "└─ " : "├─ ")
      let relation = label.map { paint("\($0): ", "2") } ?? ""
      let again = shown.contains(id)
      lines.append(
        "\(prefix)\(branch)\(relation)\(mark(node)) \(paint(node.title, "1"))\(again ? " (see above)" : "")"
      )
      guard !again else { return }
      shown.insert(id)
      let childPrefix = prefix + (isRoot ? "" : (isLast ? "   " : "│  "))
      let detail = childPrefix + (graph.children(of: id).isEmpty ? "   " : "│  ")
      for field in node.fields
      where field.name != "path" || (node.kind != .artifact && node.kind != .code) {
        lines.append("\(detail)\(paint(field.name, "2")) \(field.value)")
      }
      for problem in node.problems { lines.append("\(detail)\(paint("BROKEN: \(problem)", "31"))") }
      for note in node.notes { lines.append("\(detail)\(paint("note: \(note)", "33"))") }
      let children = graph.children(of: id)
      for (index, edge) in children.enumerated() {
        visit(
          edge.to, label: edge.label, prefix: childPrefix, isLast: index == children.count - 1,
          isRoot: false)
      }
    }
    visit(graph.root, label: nil, prefix: "", isLast: true, isRoot: true)
    lines.append("")
    if let summary = graph.summary { lines += summary.lines + [""] }
    if graph.breaks.isEmpty {
      lines.append(paint("Lineage verified: \(graph.nodes.count) nodes, every link checked.", "32"))
    } else {
      lines.append(paint("\(graph.breaks.count) break(s) in the lineage:", "31"))
      for item in graph.breaks { lines.append("  \(item.kind.rawValue): \(item.message)") }
    }
    return lines.joined(separator: "\n")
  }

  // MARK: - Graphviz

  public static func dot(_ graph: LineageGraph) -> String {
    var lines = [
      "digraph lineage {", "  rankdir=LR;",
      "  node [shape=box, style=rounded, fontname=Helvetica];",
    ]
    let ids = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.id, "n\($0)") })
    for node in graph.nodes {
      let color =
        switch node.status {
        case .verified: "darkgreen"
        case .unverified: "orange"
        case .broken: "red"
        }
      let shape =
        switch node.kind {
        case .run: "ellipse"
        case .event: "note"
        case .commit: "component"
        case .params: "folder"
        default: "box"
        }
      let details = node.fields.prefix(3).map { "\($0.name): \(shorten($0.value))" }
      let label = ([node.title] + details).map(escapeDOT).joined(separator: "\\n")
      lines.append("  \(ids[node.id]!) [label=\"\(label)\", color=\(color), shape=\(shape)];")
    }
    for edge in graph.edges {
      guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
      lines.append("  \(from) -> \(to) [label=\"\(escapeDOT(edge.label))\"];")
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private static func escapeDOT(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
  }

  private static func shorten(_ text: String) -> String {
    text.hasPrefix("sha256:") && text.count > 19 ? String(text.prefix(19)) + "…" : text
  }

  // MARK: - Mermaid

  public static func mermaid(_ graph: LineageGraph) -> String {
    var lines = ["flowchart LR"]
    let ids = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.id, "n\($0)") })
    for node in graph.nodes {
      let label = ([node.title] + node.fields.prefix(2).map { "\($0.name): \(shorten($0.value))" })
        .map { $0.replacingOccurrences(of: "\"", with: "#quot;") }.joined(separator: "<br/>")
      let (open, close) =
        switch node.kind {
        case .run: ("([", "])")
        case .event: ("{{", "}}")
        case .commit: ("[/", "/]")
        default: ("[", "]")
        }
      lines.append("  \(ids[node.id]!)\(open)\"\(label)\"\(close)")
    }
    for edge in graph.edges {
      guard let from = ids[edge.from], let to = ids[edge.to] else { continue }
      lines.append("  \(from) -->|\(edge.label)| \(to)")
    }
    for status in [LineageNode.Status.verified, .unverified, .broken] {
      let members = graph.nodes.filter { $0.status == status }.compactMap { ids[$0.id] }
      if !members.isEmpty {
        lines.append("  class \(members.joined(separator: ",")) \(status.rawValue)")
      }
    }
    lines += [
      "  classDef verified stroke:#2a2,stroke-width:2px",
      "  classDef unverified stroke:#e90,stroke-width:2px",
      "  classDef broken stroke:#d22,stroke-width:3px",
    ]
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Renders DOT text with Graphviz's `dot` program, when it is installed.
public enum Graphviz {
  /// Returns false when `dot` is not installed.
  public static func render(_ dot: String, format: String, to path: String) throws -> Bool {
    guard ChildProcess.find("dot") != nil else { return false }
    let result = try ChildProcess.capture(
      "dot", ["-T\(format)", "-o", path], input: Array(dot.utf8))
    guard result.status == 0 else {
      throw LineageError.renderingFailed(
        result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return true
  }
}
