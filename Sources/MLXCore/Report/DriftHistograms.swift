/// The histograms `mlx report drift` draws for each compared column, from the two sides'
/// profiles: shares of rows per bin, so sides of different sizes compare.
///
/// A numeric column gets `bins` equal-width bins over both sides' range, each share read off
/// the profile's quantile sketch (exact while the column has at most 4,096 values, else within
/// the sketch's rank error). A categorical one gets the `categories` values most frequent on
/// both sides together, the rest summed as "(other)".
enum DriftHistograms {
  static let bins = 24
  static let categories = 20

  static func column(
    _ drift: ColumnDrift, baseline: ColumnProfile, current: ColumnProfile
  ) -> DriftReportHTML.Column {
    var statistics: [String: Double] = [:]
    if let ks = drift.ks {
      statistics["ks_statistic"] = ks.statistic
      statistics["ks_p_value"] = ks.pValue
    }
    if let psi = drift.psi { statistics["psi"] = psi }
    if let js = drift.js { statistics["js_distance"] = js }
    if let chiSquare = drift.chiSquare?.pValue { statistics["chi2_p_value"] = chiSquare }
    let verdict = drift.drifted ? "drift: " + drift.reasons.joined(separator: "; ") : "no drift"
    if let first = baseline.numbers, let second = current.numbers {
      let (edges, shares) = numeric(first, second)
      return DriftReportHTML.Column(
        name: drift.name, kind: drift.kind, statistics: statistics, verdict: verdict,
        drifted: drift.drifted, edges: edges, baseline: shares.0, current: shares.1)
    }
    let (names, shares) = categorical(
      baseline.values?.counts ?? [:], baseline.count, current.values?.counts ?? [:], current.count)
    return DriftReportHTML.Column(
      name: drift.name, kind: drift.kind, statistics: statistics, verdict: verdict,
      drifted: drift.drifted, categories: names, baseline: shares.0, current: shares.1)
  }

  private static func numeric(_ first: NumericSummary, _ second: NumericSummary) -> (
    [Double], ([Double], [Double])
  ) {
    let lower = Swift.min(first.min, second.min)
    var upper = Swift.max(first.max, second.max)
    if upper <= lower { upper = lower + 1 }
    let width = (upper - lower) / Double(bins)
    let edges = (0...bins).map { lower + Double($0) * width }
    func shares(_ summary: NumericSummary) -> [Double] {
      // Share at or below each inner edge; the last bin takes everything above.
      var below = edges.dropFirst().dropLast().map { summary.cdf($0) }
      below.append(1)
      var previous = 0.0
      return below.map { value in
        defer { previous = Swift.max(previous, value) }
        return Swift.max(0, value - previous)
      }
    }
    return (edges, (shares(first), shares(second)))
  }

  private static func categorical(
    _ first: [String: Int], _ firstTotal: Int, _ second: [String: Int], _ secondTotal: Int
  ) -> ([String], ([Double], [Double])) {
    let combined = first.merging(second, uniquingKeysWith: +)
    let kept = combined.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(categories)
      .map(\.key)
    func shares(_ counts: [String: Int], _ total: Int) -> [Double] {
      let denominator = Double(Swift.max(total, 1))
      var values = kept.map { Double(counts[$0] ?? 0) / denominator }
      if combined.count > kept.count { values.append(Swift.max(0, 1 - values.reduce(0, +))) }
      return values
    }
    let names = combined.count > kept.count ? kept + ["(other)"] : kept
    return (names, (shares(first, firstTotal), shares(second, secondTotal)))
  }
}
