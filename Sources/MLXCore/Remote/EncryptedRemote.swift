#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A remote whose objects are sealed with the remote's key (``SealedObject``) and named on
/// the storage by HMAC-SHA-256 of their names (``RemoteKey/remoteStem(for:)``): the storage
/// provider sees neither content, nor object ids (which only the sealed indexes hold), nor
/// the names mlx gives packs. `packs/keycheck`, sealed, tells a wrong key from a tampered
/// object.
struct EncryptedRemote: RemoteStorage {
  let inner: RemoteStorage
  let key: RemoteKey
  let remoteName: String
  /// Where the map from remote names to mlx's names is cached (each entry checked by HMAC
  /// when read, so the file cannot mislead).
  let cacheFolder: String
  let temporaryDirectory: String

  var displayName: String { inner.displayName }
  var packLengthLimit: Int? { inner.packLengthLimit }
  var parallelTransfers: Int { inner.parallelTransfers }

  static let keyCheckKey = "packs/keycheck"
  private static let keyCheckText = Array("mlx remote key check v1".utf8)

  /// The key on the storage for mlx's `key` (`packs/pack-….idx` → `packs/<32 hex>.idx`).
  func storageKey(_ key: String) -> String {
    if key == Self.keyCheckKey { return key }
    let folder = key.hasPrefix(RemoteLayout.packFolder) ? RemoteLayout.packFolder : ""
    let name = key.dropFirst(folder.count)
    let stem = String(name.prefix { $0 != "." })
    return folder + self.key.remoteStem(for: stem) + name.dropFirst(stem.count)
  }

  private func stem(of key: String) -> String {
    String(key.split(separator: "/").last?.prefix { $0 != "." } ?? "")
  }

  func list(prefix: String) throws -> [ListedObject] {
    let listed = try inner.list(prefix: prefix)
    if listed.contains(where: { RemoteLayout.packName(of: $0.key, extension: "ready") != nil }) {
      throw RemoteError.unreachable(
        displayName,
        reason: "holds unencrypted packs, and remote \(remoteName) says encrypt: true; "
          + "use a new, empty location for an encrypted remote")
    }
    if listed.contains(where: { $0.key == Self.keyCheckKey }) { try checkKey() }
    var names = loadNames()
    var result: [ListedObject] = []
    for marker in listed where marker.key.hasSuffix(".ready") {
      let remoteStem = stem(of: marker.key)
      if names[remoteStem] == nil {
        let sealed = try inner.read(
          marker.key,
          maximumLength: Int(
            SealedObject.sealedLength(plain: Int64(RemoteLayout.markerLength + 64))))
        guard
          let plain = try? SealedObject.open(sealed, key: key.contentKey, remoteKey: marker.key),
          let length = plain.first.map(Int.init), plain.count > length
        else { throw damaged(marker.key) }
        let stem = String(decoding: plain[1...length], as: UTF8.self)
        guard key.remoteStem(for: stem) == remoteStem else { throw damaged(marker.key) }
        names[remoteStem] = stem
      }
      let stem = names[remoteStem]!
      for object in listed where self.stem(of: object.key) == remoteStem {
        guard let plain = SealedObject.plainLength(sealed: object.size) else { continue }
        let suffix = object.key.dropFirst(prefix.count + remoteStem.count)
        result.append(
          ListedObject(
            key: prefix + stem + suffix,
            size: plain - Int64(SealedObject.stemPrefix(stem).count), modified: object.modified))
      }
    }
    saveNames(names)
    return result
  }

  func read(_ key: String, maximumLength: Int) throws -> [UInt8] {
    let stem = self.stem(of: key)
    let head = SealedObject.stemPrefix(stem)
    let sealed = try inner.read(
      storageKey(key),
      maximumLength: Int(SealedObject.sealedLength(plain: Int64(maximumLength + head.count))))
    guard
      let plain = try? SealedObject.open(
        sealed, key: self.key.contentKey, remoteKey: storageKey(key)),
      plain.starts(with: head)
    else { throw damaged(key) }
    return Array(plain.dropFirst(head.count))
  }

  func download(_ key: String, length: UInt64, to path: String) throws {
    let stem = self.stem(of: key)
    let sealedPath = TemporaryFiles.path(in: temporaryDirectory, beside: path)
    defer { unlink(sealedPath) }
    try inner.download(
      storageKey(key),
      length: UInt64(
        SealedObject.sealedLength(
          plain: Int64(length) + Int64(SealedObject.stemPrefix(stem).count))),
      to: sealedPath)
    let found: String
    do {
      found = try SealedObject.open(
        file: sealedPath, to: path, key: self.key.contentKey, remoteKey: storageKey(key))
    } catch {
      unlink(path)
      throw damaged(key)
    }
    guard found == stem else {
      unlink(path)
      throw damaged(key)
    }
  }

  /// `length` plaintext bytes from `offset`: the segments holding them are fetched with one
  /// ranged read and opened (the object's size, from a listing, tells the last segment).
  func read(_ key: String, offset: UInt64, length: Int) throws -> [UInt8] {
    guard length > 0 else { return [] }
    let remote = storageKey(key)
    let folder = remote.contains("/") ? String(remote[...remote.lastIndex(of: "/")!]) : ""
    guard let sealedSize = try inner.list(prefix: folder).first(where: { $0.key == remote })?.size,
      let plainTotal = SealedObject.plainLength(sealed: sealedSize)
    else { throw damaged(key) }
    let segment = Int64(SealedObject.segmentSize)
    let stride = segment + Int64(SealedObject.tagLength)
    let start = Int64(SealedObject.stemPrefix(stem(of: key)).count) + Int64(offset)
    let end = start + Int64(length)
    guard end <= plainTotal else {
      throw RemoteError.unreachable(displayName, reason: "holds less of \(key) than was asked for")
    }
    let first = start / segment
    let last = (end - 1) / segment
    let count = max(1, (plainTotal + segment - 1) / segment)
    let from = Int64(SealedObject.headerLength) + first * stride
    let to = min(sealedSize, Int64(SealedObject.headerLength) + (last + 1) * stride)
    let header = try inner.read(remote, offset: 0, length: SealedObject.headerLength)
    let sealed = try inner.read(remote, offset: UInt64(from), length: Int(to - from))
    var plain: [UInt8] = []
    var position = 0
    for number in first...last {
      let size = min(Int(stride), sealed.count - position)
      do {
        plain += try SealedObject.openSegment(
          sealed[position..<(position + size)], header: header, number: UInt32(number),
          last: number == count - 1, key: self.key.contentKey, remoteKey: remote)
      } catch {
        throw damaged(key)
      }
      position += size
    }
    let skip = Int(start - first * segment)
    return Array(plain[skip..<(skip + length)])
  }

  func delete(_ key: String) throws {
    try inner.delete(storageKey(key))
  }

  func upload(file path: String, to key: String) throws {
    try ensureKeyCheck()
    let sealedPath = TemporaryFiles.path(in: temporaryDirectory, beside: path)
    defer { unlink(sealedPath) }
    try SealedObject.seal(
      file: path, stem: stem(of: key), to: sealedPath, key: self.key.contentKey,
      remoteKey: storageKey(key))
    try inner.upload(file: sealedPath, to: storageKey(key))
  }

  func write(_ bytes: [UInt8], to key: String) throws {
    try ensureKeyCheck()
    try inner.write(
      SealedObject.seal(
        SealedObject.stemPrefix(stem(of: key)) + bytes, key: self.key.contentKey,
        remoteKey: storageKey(key)),
      to: storageKey(key))
  }

  // MARK: The key check and the names cache

  private func checkKey() throws {
    let sealed = try inner.read(Self.keyCheckKey, maximumLength: 4096)
    guard
      let plain = try? SealedObject.open(
        sealed, key: key.contentKey, remoteKey: Self.keyCheckKey),
      plain == Self.keyCheckText
    else { throw RemoteError.wrongKey(remote: remoteName) }
  }

  /// Writes the key check before the first object sealed with this key.
  private func ensureKeyCheck() throws {
    let marker = cacheFolder + "/keycheck-written"
    if (try? FileStatus.of(marker)) != nil { return }
    let present = try inner.list(prefix: RemoteLayout.packFolder).contains {
      $0.key == Self.keyCheckKey
    }
    if present {
      try checkKey()
    } else {
      try inner.write(
        SealedObject.seal(Self.keyCheckText, key: key.contentKey, remoteKey: Self.keyCheckKey),
        to: Self.keyCheckKey)
    }
    try FileSystem.createDirectories(cacheFolder)
    try FileSystem.write([], atomicallyTo: marker, durable: false)
  }

  private var namesPath: String { cacheFolder + "/names" }

  private func loadNames() -> [String: String] {
    var names: [String: String] = [:]
    let text = (try? FileSystem.readTextIfPresent(namesPath)) ?? nil
    for line in (text ?? "").split(separator: "\n") {
      let parts = line.split(separator: " ")
      guard parts.count == 2, key.remoteStem(for: String(parts[1])) == parts[0] else { continue }
      names[String(parts[0])] = String(parts[1])
    }
    return names
  }

  private func saveNames(_ names: [String: String]) {
    let text = names.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined()
    try? FileSystem.createDirectories(cacheFolder)
    try? FileSystem.write(Array(text.utf8), atomicallyTo: namesPath, durable: false)
  }

  private func damaged(_ key: String) -> RemoteError {
    .damaged(
      remote: remoteName,
      key: key == storageKey(key) ? key : "\(key) (stored as \(storageKey(key)))",
      reason: "it does not decrypt with this remote's key: it was changed or replaced")
  }
}
