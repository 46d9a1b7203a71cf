import Foundation

/// The population stability index and the bins it is computed on, as evidently's `psi` stat
/// test computes them (`get_binned_data` then Σ (r − c)·ln(r/c)).
public enum PopulationStability {
  /// A numeric column is binned by a histogram when its reference sample has more than this
  /// many distinct values, else each value is a category (evidently's rule).
  public static let largestCategoricalNumeric = 20

  /// Σ (r − c)·ln(r/c) over the bins, fractions with zeros already replaced.
  public static func index(reference: [Double], current: [Double]) -> Double {
    precondition(reference.count == current.count)
    var sum = 0.0
    for (r, c) in zip(reference, current) { sum += (r - c) * log(r / c) }
    return sum
  }

  /// evidently's replacement of empty bins: the smallest non-zero fraction over 10⁶ when that
  /// is at most 0.0001, else 0.0001. Fractions that are all zero stay as they are.
  public static func replacingZeros(_ fractions: [Double]) -> [Double] {
    guard let smallest = fractions.filter({ $0 != 0 }).min() else { return fractions }
    let filler = smallest <= 0.0001 ? smallest / 1e6 : 0.0001
    return fractions.map { $0 == 0 ? filler : $0 }
  }

  /// numpy's `histogram_bin_edges(values, bins="sturges")` for values of this count and range:
  /// width = range / (log2(count) + 1), ceil(range / width) equal bins from min to max
  /// (min − 0.5 to max + 0.5 when the range is empty), edges as `numpy.linspace` gives them.
  public static func sturgesEdges(minimum: Double, maximum: Double, count: Int) -> [Double] {
    var first = minimum
    var last = maximum
    if first == last {
      first -= 0.5
      last += 0.5
    }
    let range = maximum - minimum
    let width = range / (log2(Double(count)) + 1.0)
    let bins = width != 0 ? Int(((last - first) / width).rounded(.up)) : 1
    return linspace(first, last, bins + 1)
  }

  /// `numpy.linspace(start, stop, count)` with the endpoint, value for value.
  static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
    guard count > 1 else { return [start] }
    let divisions = Double(count - 1)
    let delta = stop - start
    let step = delta / divisions
    var values = (0..<count).map { index -> Double in
      step == 0 ? Double(index) / divisions * delta + start : Double(index) * step + start
    }
    values[count - 1] = stop
    return values
  }

  /// `numpy.histogram(sorted, edges, weights=weights)`'s counts: [e_i, e_{i+1}) and the last
  /// bin closed; each value counts once without `weights` (one weight per value).
  public static func histogram(sorted: [Double], edges: [Double], weights: [Int]? = nil) -> [Int] {
    var prefix: [Int] = []
    if let weights {
      prefix = [0]
      prefix.reserveCapacity(weights.count + 1)
      for weight in weights { prefix.append(prefix[prefix.count - 1] + weight) }
    }
    /// The weight of the values below `value` (or at most `value`, `including` it).
    func weight(below value: Double, including: Bool) -> Int {
      var low = 0
      var high = sorted.count
      while low < high {
        let middle = (low + high) / 2
        if including ? sorted[middle] <= value : sorted[middle] < value {
          low = middle + 1
        } else {
          high = middle
        }
      }
      return weights == nil ? low : prefix[low]
    }
    var cumulative = edges.dropLast().map { weight(below: $0, including: false) }
    cumulative.append(weight(below: edges[edges.count - 1], including: true))
    return (1..<cumulative.count).map { cumulative[$0] - cumulative[$0 - 1] }
  }

  /// The fractions evidently compares for a numeric column given as two samples (NaNs dropped):
  /// a Sturges histogram over both when the reference has more than 20 distinct values, else
  /// the union of values as categories; zeros not yet replaced.
  public static func numericFractions(
    reference: [Double], current: [Double]
  ) -> (reference: [Double], current: [Double]) {
    let first = reference.sorted()
    let second = current.sorted()
    var distinct = 0
    for index in first.indices where index == 0 || first[index] != first[index - 1] {
      distinct += 1
    }
    guard distinct > largestCategoricalNumeric, let low = first.first, let high = first.last,
      let low2 = second.first, let high2 = second.last
    else {
      let counts = CategoricalDrift.unionCounts(
        reference: Dictionary(first.map { ($0, 1) }, uniquingKeysWith: +),
        current: Dictionary(second.map { ($0, 1) }, uniquingKeysWith: +))
      return (
        counts.reference.map { Double($0) / Double(first.count) },
        counts.current.map { Double($0) / Double(second.count) }
      )
    }
    let edges = sturgesEdges(
      minimum: min(low, low2), maximum: max(high, high2), count: first.count + second.count)
    return (
      histogram(sorted: first, edges: edges).map { Double($0) / Double(first.count) },
      histogram(sorted: second, edges: edges).map { Double($0) / Double(second.count) }
    )
  }

  /// PSI of two numeric samples exactly as evidently's `psi` stat test.
  public static func index(referenceSample: [Double], currentSample: [Double]) -> Double {
    let fractions = numericFractions(reference: referenceSample, current: currentSample)
    return index(
      reference: replacingZeros(fractions.reference), current: replacingZeros(fractions.current))
  }
}
