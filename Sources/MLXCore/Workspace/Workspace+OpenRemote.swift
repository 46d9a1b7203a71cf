/// Opening a remote for push, fetch and the other commands, and making an encrypted
/// remote's key.
extension Workspace {
  /// A remote ready to use: its settings, its storage, and its catalog's cache folder.
  struct OpenRemote {
    var spec: RemoteSpec
    var storage: RemoteStorage
    var cacheFolder: String

    func catalog() throws -> RemoteCatalog {
      try RemoteCatalog.load(from: storage, remoteName: spec.name, cacheFolder: cacheFolder)
    }
  }

  /// The remote named `name`, or the default one; `jobs` bounds an S3 remote's parallel
  /// requests (default 8).
  func openRemote(_ name: String?, jobs: Int? = nil) throws -> OpenRemote {
    let spec: RemoteSpec
    if let name {
      guard let named = remotes.first(where: { $0.name == name }) else {
        throw RemoteError.unknownRemote(name, known: remotes.map(\.name))
      }
      spec = named
    } else {
      guard
        let chosen = remotes.first(where: \.isDefault) ?? (remotes.count == 1 ? remotes[0] : nil)
      else { throw RemoteError.noDefaultRemote }
      spec = chosen
    }
    let location = try spec.location()
    var storage: RemoteStorage
    switch location {
    case .directory(let path):
      // A remote inside the work tree, `.git`, `.mlx` or the cache would write into them.
      let real = FileSystem.realPath(path) ?? path
      for inside in [root, try store().directory]
      where real == inside || real.hasPrefix(inside + "/") {
        throw RemoteError.unreachable(
          path, reason: "is inside this repository or its cache; a remote must be outside both")
      }
      storage = try DirectoryRemote(root: path)
    case .s3(let location):
      storage = try S3Remote(spec: spec, location: location, jobs: jobs)
    }
    let cacheFolder = RemoteLayout.cacheFolder(
      for: location, endpoint: spec.settings["endpoint"], in: try store())
    if spec.isEncrypted {
      storage = EncryptedRemote(
        inner: storage, key: try spec.encryptionKey(root: root), remoteName: spec.name,
        cacheFolder: cacheFolder, temporaryDirectory: try store().temporaryDirectory)
    }
    return OpenRemote(spec: spec, storage: storage, cacheFolder: cacheFolder)
  }

  /// Whether the repository has a Git remote of that name (`origin`).
  public func hasGitRemote(_ name: String) -> Bool {
    ((try? repository.configValue("remote.\(name).url")) ?? nil) != nil
  }

  /// Makes a new key for the encrypted remote `name` (`mlx remote keygen`): writes it to
  /// `output` (default `.mlx/keys/NAME.key`, which Git ignores), readable by the owner only,
  /// and names it as the remote's `key_file` in `config.local.yaml`. Refuses to replace a
  /// key file: a lost key is lost data.
  public func generateRemoteKey(_ name: String, output: String?) throws -> String {
    guard remotes.contains(where: { $0.name == name }) else {
      throw RemoteError.unknownRemote(name, known: remotes.map(\.name))
    }
    let relative = output ?? Self.metadataDirectoryName + "/keys/" + name + ".key"
    let path = relative.hasPrefix("/") ? relative : FileSystem.join(currentDirectory, relative)
    guard try FileStatus.of(path) == nil else {
      throw RemoteError.invalidSetting(
        "\(relative) exists; mlx never replaces a key file (the data it sealed needs it)")
    }
    try FileSystem.createDirectories(FileSystem.parent(of: path))
    try FileSystem.write(Array(RemoteKey.generateText().utf8), atomicallyTo: path, mode: 0o600)
    let recorded = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    try modifyRemote(name, setting: "key_file", to: recorded, local: true)
    try ignoreKeys()
    return recorded
  }

  /// Adds `/keys/` to `.mlx/.gitignore` when a repository made before keys existed lacks it.
  private func ignoreKeys() throws {
    let path = metadataDirectory + "/.gitignore"
    let text = try FileSystem.readTextIfPresent(path) ?? ""
    guard !text.split(separator: "\n").contains("/keys/") else { return }
    let updated = text + (text.isEmpty || text.hasSuffix("\n") ? "" : "\n") + "/keys/\n"
    try FileSystem.write(Array(updated.utf8), atomicallyTo: path)
  }
}
