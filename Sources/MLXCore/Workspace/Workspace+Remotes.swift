/// `mlx remote`: the remotes in `.mlx/config.yaml` (shared) and `config.local.yaml` (this
/// machine only), and opening one.
extension Workspace {
  /// The configured remotes, the local file's over the committed one's.
  public var remotes: [RemoteSpec] { configuration.remotes }

  /// Adds a remote; `settings` are S3 settings (`endpoint`, `region`, ...) by key.
  public func addRemote(
    _ name: String, url: String, makeDefault: Bool, settings: [String: String] = [:],
    local: Bool
  ) throws {
    guard RemoteSpec.isValidName(name) else { throw RemoteError.invalidName(name) }
    _ = try RemoteLocation(url: url)
    for (key, value) in settings {
      try RemoteSpec.checkSetting(key, value: value, local: local)
    }
    try editRemotes(local: local) { remotes in
      guard !remotes.contains(where: { $0.name == name }) else {
        throw RemoteError.duplicateName(name)
      }
      if makeDefault { for index in remotes.indices { remotes[index].isDefault = false } }
      remotes.append(RemoteSpec(name: name, url: url, isDefault: makeDefault, settings: settings))
    }
  }

  public func modifyRemote(_ name: String, url: String, local: Bool) throws {
    try modifyRemote(name, setting: "url", to: url, local: local)
  }

  /// Sets (or with a nil `value`, removes) one key of a remote: `url` or a setting. With
  /// `local`, the key goes to `config.local.yaml`, over the committed remote of that name.
  public func modifyRemote(_ name: String, setting key: String, to value: String?, local: Bool)
    throws
  {
    if key == "url" {
      guard let value else {
        throw RemoteError.invalidSetting("a remote needs its url; remove the remote instead")
      }
      _ = try RemoteLocation(url: value)
    } else if let value {
      try RemoteSpec.checkSetting(key, value: value, local: local)
    } else if let problem = RemoteSpec.problem(with: key, value: "x"),
      problem.hasPrefix("unknown")
    {
      throw RemoteError.invalidSetting(problem)
    }
    let known = remotes
    try editRemotes(local: local) { remotes in
      var index = remotes.firstIndex(where: { $0.name == name })
      if index == nil, local, known.contains(where: { $0.name == name }) {
        // The remote is committed: this file only adds to it.
        remotes.append(RemoteSpec(name: name, url: ""))
        index = remotes.count - 1
      }
      guard let index else {
        throw RemoteError.unknownRemote(name, known: known.map(\.name))
      }
      if key == "url" {
        remotes[index].url = value!
      } else {
        remotes[index].settings[key] = value
      }
    }
  }

  public func removeRemote(_ name: String, local: Bool) throws {
    try editRemotes(local: local) { remotes in
      guard remotes.contains(where: { $0.name == name }) else {
        throw RemoteError.unknownRemote(name, known: remotes.map(\.name))
      }
      remotes.removeAll { $0.name == name }
    }
  }

  public func setDefaultRemote(_ name: String, local: Bool) throws {
    try editRemotes(local: local) { remotes in
      guard remotes.contains(where: { $0.name == name }) else {
        throw RemoteError.unknownRemote(name, known: remotes.map(\.name))
      }
      for index in remotes.indices { remotes[index].isDefault = remotes[index].name == name }
    }
  }

  /// Applies `edit` to the remotes of one configuration file and writes it back, after
  /// checking that the result still loads.
  private func editRemotes(local: Bool, _ edit: (inout [RemoteSpec]) throws -> Void) throws {
    let lock = try self.lock()
    defer { withExtendedLifetime(lock) {} }
    let name = local ? "config.local.yaml" : "config.yaml"
    let path = metadataDirectory + "/" + name
    let text = try FileSystem.readTextIfPresent(path) ?? ""
    var current = WorkspaceConfiguration()
    try current.apply(text, path: ".mlx/" + name)
    var remotes = current.remotes
    try edit(&remotes)
    let updated = RemotesBlock.replacing(in: text, with: remotes)
    var check = WorkspaceConfiguration()
    try check.apply(updated, path: ".mlx/" + name)
    // The local file may hold credentials: readable by its owner only.
    try FileSystem.write(
      Array(updated.utf8), atomicallyTo: path, mode: local ? 0o600 : 0o644,
      temporaryDirectory: temporaryDirectory)
  }
}
