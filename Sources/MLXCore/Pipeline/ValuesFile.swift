import Yams

/// Reads params and metrics files (YAML or JSON) from the work tree.
enum ValuesFile {
  /// The whole file as a value tree; nil when the file does not exist.
  static func read(_ absolutePath: String, displayPath: String) throws -> ParamValue? {
    guard let text = try FileSystem.readTextIfPresent(absolutePath) else { return nil }
    return try parse(text, displayPath: displayPath)
  }

  static func parse(_ text: String, displayPath: String) throws -> ParamValue {
    do {
      let value = try ParamValue.parse(try YAMLMapping.checkedText(text))
      if case .map = value { return value }
      throw PipelineError.unreadableValues(
        path: displayPath, problem: "expected a mapping of names to values")
    } catch let error as PipelineError {
      throw error
    } catch let issue as YAMLIssue {
      throw PipelineError.unreadableValues(
        path: issue.line.map { "\(displayPath):\($0)" } ?? displayPath, problem: issue.message)
    } catch let error as YamlError {
      let issue = YAMLMapping.issue(from: error)
      let problem =
        issue.message.hasPrefix("invalid YAML: ")
        ? String(issue.message.dropFirst(14)) : issue.message
      throw PipelineError.unreadableValues(
        path: issue.line.map { "\(displayPath):\($0)" } ?? displayPath,
        problem: "not valid YAML or JSON: \(problem)")
    } catch {
      let detail = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
      throw PipelineError.unreadableValues(
        path: displayPath, problem: "not valid YAML or JSON: \(MessageText.quoted(detail))")
    }
  }
}
