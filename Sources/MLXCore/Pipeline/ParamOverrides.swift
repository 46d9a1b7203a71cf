/// `-S [file:]key=value` overrides: param values changed for one run without editing the
/// params file. Without `file:`, the key is in the root `params.yaml`.
struct ParamOverrides: Sendable {
  struct Override: Sendable {
    var file: String
    var key: String
    var value: ParamValue
  }

  let overrides: [Override]

  init(parsing texts: [String]) throws(PipelineError) {
    var overrides: [Override] = []
    for text in texts {
      guard let equals = text.firstIndex(of: "=") else { throw .badOverride(text) }
      var target = String(text[..<equals])
      let value = ParamValue.parseScalar(String(text[text.index(after: equals)...]))
      var file = PipelineSpec.defaultParamsFile
      if let colon = target.lastIndex(of: ":") {
        file = String(target[..<colon])
        target = String(target[target.index(after: colon)...])
        guard let resolved = PipelineSpec.resolve(file, in: ""), !resolved.isEmpty else {
          throw .badOverride(text)
        }
        file = resolved
      }
      guard !target.isEmpty, !target.hasPrefix("."), !target.hasSuffix(".") else {
        throw .badOverride(text)
      }
      overrides.append(Override(file: file, key: target, value: value))
    }
    self.overrides = overrides
  }

  /// Whether any override is for `file`.
  func touches(_ file: String) -> Bool { overrides.contains { $0.file == file } }

  /// `tree` (the content of `file`) with this file's overrides applied.
  func apply(to tree: ParamValue, file: String) -> ParamValue {
    overrides.filter { $0.file == file }.reduce(tree) { $0.setting($1.key, to: $1.value) }
  }
}
