import Foundation

/// `mlx report drift`: `mlx drift`'s comparison as a page with both sides' histograms.
extension Workspace {
  /// The comparison of `baseline` and `current` (each as `drift` takes it) and its page.
  public func driftReportPage(baseline: String, current: String, schemaPath: String?) throws
    -> (report: DriftReport, page: String)
  {
    let first = try driftSide(baseline, schemaPath: schemaPath)
    let second = try driftSide(current, schemaPath: schemaPath)
    let report = DriftReport(
      baseline: first.side, current: second.side, profiles: (first.profile, second.profile),
      policy: try driftPolicy())
    let columns = report.columns.compactMap { drift -> DriftReportHTML.Column? in
      guard let one = first.profile.columns.first(where: { $0.name == drift.name }),
        let other = second.profile.columns.first(where: { $0.name == drift.name })
      else { return nil }
      return DriftHistograms.column(drift, baseline: one, current: other)
    }
    func label(_ side: DriftReport.Side) -> String {
      "\(side.spec) (\(side.rows) rows, \(side.digest.prefix(19))…)"
    }
    let page = try DriftReportHTML.render(
      columns: columns, baseline: label(report.baseline), current: label(report.current))
    return (report, page)
  }
}
