/// The training data's observed ranges, from its profile, as checks on serving data.
extension FeatureDefinition {
  /// The schema serving data must match, with each numeric feature's bounds narrowed to the
  /// range `profile` (of the training data) observed where that is stricter than the
  /// definition's; returns the bounds that came from the profile, per feature.
  public func schema(observing profile: TableProfile?) -> (
    schema: TableSchema, observed: [String: Set<String>]
  ) {
    var schema = self.schema
    var observed: [String: Set<String>] = [:]
    guard let profile else { return (schema, observed) }
    for index in schema.fields.indices {
      let field = schema.fields[index]
      guard field.type == .integer || field.type == .number,
        let numbers = profile.column(named: field.name)?.numbers, numbers.count > 0
      else { continue }
      func text(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if field.type == .number { return "\(value)" }
        return Int(exactly: value).map(String.init)
      }
      func bound(_ given: String?) -> Double? {
        given.flatMap { Double($0) }
      }
      if let low = text(numbers.min),
        bound(field.constraints.minimum).map({ $0 < numbers.min }) ?? true
      {
        schema.fields[index].constraints.minimum = low
        observed[field.name, default: []].insert("minimum")
      }
      if let high = text(numbers.max),
        bound(field.constraints.maximum).map({ $0 > numbers.max }) ?? true
      {
        schema.fields[index].constraints.maximum = high
        observed[field.name, default: []].insert("maximum")
      }
    }
    return (schema, observed)
  }
}

extension TableValidation {
  /// Names the failures of bounds that came from the training data's profile as
  /// `observed-minimum` and `observed-maximum`.
  public mutating func markObserved(_ observed: [String: Set<String>]) {
    for index in failures.indices {
      let failure = failures[index]
      guard let field = failure.field, observed[field]?.contains(failure.check) == true else {
        continue
      }
      failures[index].check = "observed-" + failure.check
      failures[index].detail = "observed " + failure.detail + " (training data)"
    }
  }
}
