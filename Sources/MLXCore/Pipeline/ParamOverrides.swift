import Foundation

/// `-S [file:]key=value` overrides: param values the run writes into their params file
/// before it starts, as `dvc exp run -S` does. Without `file:`, the key is in the root
/// `params.yaml`.
struct ParamOverrides: Sendable {
  struct Override: Sendable {
    var file: String
    var key: String
    var value: ParamValue
    /// The value as given after `=`, so the file keeps its spelling (`1.0`, not `1`).
    var text: String
  }

  let overrides: [Override]

  init(parsing texts: [String]) throws(PipelineError) {
    var overrides: [Override] = []
    for text in texts {
      guard let equals = text.firstIndex(of: "=") else { throw .badOverride(text) }
      var target = String(text[..<equals])
      let valueText = String(text[text.index(after: equals)...])
        .trimmingCharacters(in: .whitespaces)
      let value = ParamValue.parseScalar(valueText)
      var file = PipelineSpec.defaultParamsFile
      if let colon = target.lastIndex(of: ":") {
        file = String(target[..<colon])
        target = String(target[target.index(after: colon)...])
        // Never a file inside .git or .mlx: -S writes into the file it names.
        guard let resolved = PipelineSpec.resolve(file, in: ""), !resolved.isEmpty,
          RelativePath.reservedComponent(of: resolved) == nil
        else {
          throw .badOverride(text)
        }
        file = resolved
      }
      guard !target.isEmpty, !target.hasPrefix("."), !target.hasSuffix(".") else {
        throw .badOverride(text)
      }
      overrides.append(Override(file: file, key: target, value: value, text: valueText))
    }
    self.overrides = overrides
  }

  /// `tree` (the content of `file`) with this file's overrides applied.
  func apply(to tree: ParamValue, file: String) -> ParamValue {
    overrides.filter { $0.file == file }.reduce(tree) { $0.setting($1.key, to: $1.value) }
  }

  /// Each params file the overrides name, with the overrides written into it (checked
  /// before anything runs, dry run or not).
  func editedFiles(reading read: (String) throws -> String?) throws -> [(
    file: String, text: String
  )] {
    var files: [String] = []
    for override in overrides where !files.contains(override.file) { files.append(override.file) }
    return try files.map { file in
      let mine = overrides.filter { $0.file == file }
      guard let text = try read(file) else {
        throw PipelineError.overrideFileMissing(file: file, key: mine[0].key)
      }
      return (file, try ParamsFileEditor.applying(mine, to: text, file: file))
    }
  }
}
