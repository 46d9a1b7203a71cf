import Foundation

/// One changed value between two versions of params or metrics.
public struct ValueChange: Codable, Sendable, Equatable {
  /// The params or metrics file.
  public let file: String
  /// The dotted key.
  public let key: String
  public let old: ParamValue?
  public let new: ParamValue?
  /// `new - old` when both are numbers.
  public let change: Double?
}

/// Two sides of a params or metrics comparison, as named by the user.
public struct ValueComparison: Codable, Sendable {
  public let from: String
  public let to: String
  public let changes: [ValueChange]
}

extension ValueComparison {
  /// The values that differ between `old` and `new` (file → dotted key → value), in path
  /// order, with the numeric change where both are numbers.
  init(
    from: String, to: String, old: [String: [String: ParamValue]],
    new: [String: [String: ParamValue]]
  ) {
    var changes: [ValueChange] = []
    for file in Set(old.keys).union(new.keys).sorted(by: PathOrder.precedes) {
      let a = old[file] ?? [:]
      let b = new[file] ?? [:]
      for key in Set(a.keys).union(b.keys).sorted(by: PathOrder.precedes) where a[key] != b[key] {
        let delta = a[key]?.number.flatMap { before in b[key]?.number.map { $0 - before } }
        changes.append(ValueChange(file: file, key: key, old: a[key], new: b[key], change: delta))
      }
    }
    self.init(from: from, to: to, changes: changes)
  }
}

/// Which values a comparison reads.
enum ValuesKind { case params, metrics }

extension PipelineSpec {
  /// The params or metrics values of one version of the project, whose files `read` returns
  /// (nil for a file that does not exist there); empty without `mlx.yaml`.
  static func values(_ kind: ValuesKind, read: (String) throws -> String?) throws
    -> [String: [String: ParamValue]]
  {
    guard let specText = try read(PipelineSpec.fileName) else { return [:] }
    let spec = try PipelineSpec(parsing: specText)
    let files: [String] =
      switch kind {
      case .metrics: spec.stages.flatMap(\.metrics)
      case .params: Array(Set(spec.stages.flatMap { $0.params.map(\.file) }))
      }
    var result: [String: [String: ParamValue]] = [:]
    for file in files {
      guard let text = try read(file) else { continue }
      result[file] = ParamValue.flatten(try ValuesFile.parse(text, displayPath: file))
    }
    return result
  }
}

extension RunRecord {
  /// The params or metrics values the run recorded.
  func values(_ kind: ValuesKind) throws -> [String: [String: ParamValue]] {
    switch kind {
    case .metrics:
      return metrics
    case .params:
      var result = params
      for (file, text) in paramsFiles {
        result[file] = ParamValue.flatten(
          try ValuesFile.parse(text, displayPath: "run \(id): \(file)"))
      }
      return result
    }
  }
}
