import Foundation

/// The page `mlx report drift` writes: per column, the histograms of the baseline and the
/// current data overlaid, the statistics computed and the verdict. It takes plain values, so
/// whatever computes drift hands them over in one call.
public enum DriftReportHTML {
  /// One column compared.
  public struct Column: Sendable {
    public let name: String
    /// `numeric`, `categorical`, …
    public let kind: String
    /// Statistic name to value (`psi`, `ks_p_value`, …), shown sorted by name.
    public let statistics: [String: Double]
    /// `drift`, `no drift`, or why the column could not be judged.
    public let verdict: String
    public let drifted: Bool
    /// Bin edges, one more than each count array (a numeric column).
    public let edges: [Double]
    /// Category names, one per count (a categorical column); `edges` is then unused.
    public let categories: [String]?
    /// Counts or proportions per bin.
    public let baseline: [Double]
    public let current: [Double]

    public init(
      name: String, kind: String, statistics: [String: Double], verdict: String, drifted: Bool,
      edges: [Double] = [], categories: [String]? = nil, baseline: [Double], current: [Double]
    ) {
      (self.name, self.kind, self.statistics, self.verdict, self.drifted) = (
        name, kind, statistics, verdict, drifted
      )
      (self.edges, self.categories, self.baseline, self.current) = (
        edges, categories, baseline, current
      )
    }
  }

  /// The page; a column whose bins and counts do not fit together is an error naming it.
  public static func render(
    columns: [Column], baseline: String, current: String, generatedAt: Date = Date()
  ) throws(ReportError) -> String {
    for column in columns {
      if let categories = column.categories {
        guard !categories.isEmpty, column.baseline.count == categories.count,
          column.current.count == categories.count
        else {
          throw .invalidHistogram(
            column: column.name,
            problem:
              "\(categories.count) categories for \(column.baseline.count) baseline and \(column.current.count) current counts (give one count per category)"
          )
        }
        continue
      }
      guard column.edges.count >= 2, column.baseline.count == column.edges.count - 1,
        column.current.count == column.edges.count - 1
      else {
        throw .invalidHistogram(
          column: column.name,
          problem:
            "\(column.edges.count) bin edges for \(column.baseline.count) baseline and \(column.current.count) current counts (give one more edge than counts)"
        )
      }
      guard zip(column.edges, column.edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
        throw .invalidHistogram(column: column.name, problem: "the bin edges do not increase")
      }
    }
    var page = HTMLPage(title: "mlx drift report")
    let drifted = columns.filter(\.drifted).count
    page.paragraph(
      html:
        "Baseline \(HTML.code(baseline)), current \(HTML.code(current)), generated \(HTML.escape(Timestamp.format(generatedAt))). "
        + HTML.badge(drifted == 0, "\(drifted) of \(columns.count) column(s) drifted."))
    page.table(
      headers: ["Column", "Kind", "Verdict", "Statistics"],
      rows: columns.map { column in
        [
          HTML.code(column.name), HTML.escape(column.kind),
          HTML.badge(!column.drifted, column.verdict), statistics(column),
        ]
      })
    for column in columns {
      page.heading(column.name)
      page.paragraph(html: "\(HTML.badge(!column.drifted, column.verdict)) · \(statistics(column))")
      page.figure(
        SVGChart.histogramOverlay(
          title: "\(column.name): baseline and current", edges: column.edges,
          first: ("baseline", column.baseline), second: ("current", column.current),
          xLabel: column.name, yLabel: "share", categories: column.categories))
    }
    return page.render()
  }

  static func statistics(_ column: Column) -> String {
    column.statistics.sorted { $0.key < $1.key }
      .map { "\(HTML.escape($0.key)) = \(HTML.number($0.value))" }.joined(separator: ", ")
  }
}

/// Input a report cannot be drawn from.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidHistogram(column: String, problem: String)
  case unknownMetrics([String], known: [String])

  public var description: String {
    switch self {
    case .invalidHistogram(let column, let problem):
      "the histogram of column '\(column)' cannot be drawn: \(problem)"
    case .unknownMetrics(let names, let known):
      "no run or registered version records the metric\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")); "
        + (known.isEmpty
          ? "nothing records metrics yet (a stage's `metrics:` files, then `mlx run`)"
          : "recorded metrics: \(known.joined(separator: ", "))")
    }
  }
}
