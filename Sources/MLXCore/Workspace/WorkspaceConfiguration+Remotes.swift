/// The `remotes:` block of the configuration files.
extension WorkspaceConfiguration {
  /// Applies a `remotes:` block. In `config.local.yaml` an entry may name a remote of
  /// `config.yaml` and set only some keys (credentials, say): they are merged into it.
  mutating func applyRemotes(_ yaml: YAMLMapping, path: String) throws(YAMLIssue) {
    let isLocal = path.hasSuffix("config.local.yaml")
    for name in yaml.keys {
      guard RemoteSpec.isValidName(name) else {
        throw YAMLIssue(
          line: yaml.line(of: name), message: RemoteError.invalidName(name).description)
      }
      guard let entry = try yaml.mapping(name) else {
        throw YAMLIssue(line: yaml.line(of: name), message: "remote '\(name)' needs a 'url:'")
      }
      try entry.rejectUnknownKeys(
        Set(["url", "default"] + RemoteSpec.settingKeys + RemoteSpec.credentialKeys),
        in: " under remote '\(name)'")
      let existing = remotes.firstIndex(where: { $0.name == name })
      var spec = existing.map { remotes[$0] } ?? RemoteSpec(name: name, url: "")
      if let url = try entry.string("url") {
        do {
          _ = try RemoteLocation(url: url)
        } catch {
          throw YAMLIssue(line: entry.line(of: "url"), message: error.description)
        }
        spec.url = url
      } else if spec.url.isEmpty && !isLocal {
        throw YAMLIssue(line: yaml.line(of: name), message: "remote '\(name)' needs a 'url:'")
      }
      if let isDefault = try entry.boolean("default") { spec.isDefault = isDefault }
      for key in RemoteSpec.settingKeys + RemoteSpec.credentialKeys {
        guard let value = try entry.string(key) else { continue }
        if RemoteSpec.credentialKeys.contains(key) && !isLocal {
          throw YAMLIssue(
            line: entry.line(of: key),
            message: "\(key) is a secret and this file is committed; move it to "
              + ".mlx/config.local.yaml (`mlx remote modify --local \(name) \(key) VALUE`)")
        }
        if let problem = RemoteSpec.problem(with: key, value: value) {
          throw YAMLIssue(line: entry.line(of: key), message: problem)
        }
        spec.settings[key] = value
      }
      if let existing {
        remotes[existing] = spec
      } else {
        remotes.append(spec)
      }
      if spec.isDefault {
        for index in remotes.indices where remotes[index].name != name {
          remotes[index].isDefault = false
        }
      }
    }
  }

  /// Remotes of `config.local.yaml` that add settings to a remote `config.yaml` lacks.
  func checkRemotesHaveURLs() throws(WorkspaceError) {
    if let partial = remotes.first(where: { $0.url.isEmpty }) {
      throw .invalidConfiguration(
        path: ".mlx/config.local.yaml", line: nil,
        problem: "remote '\(partial.name)' has no 'url:' here and is not in .mlx/config.yaml")
    }
  }
}
