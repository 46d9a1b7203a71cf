import Crypto

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Names of temporary files, and the cleanup of those a killed process left behind.
///
/// Every temporary file mlx creates ends in `.tmp-<pid>`, the id of the process writing it.
/// A file whose process no longer runs is abandoned (the process was killed before its
/// rename) and is deleted the next time mlx writes in that directory. In the work tree, where
/// a user's files live too, a name like that is not proof enough: there a temporary name also
/// carries a tag, an HMAC of the name, a nonce and the process id under a key kept in the
/// repository's `.mlx/state/` (``useKey(at:)``), and mlx skips or deletes only files whose
/// tag checks out.
enum TemporaryFiles {
  /// A fresh temporary path in `directory`, or hidden and tagged beside `path` when
  /// `directory` is nil (`.NAME.NONCE-TAG.tmp-PID`; untagged when no key is in use, and then
  /// never taken for mlx's).
  static func path(in directory: String?, beside path: String) -> String {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    if let directory { return "\(directory)/\(random).tmp-\(getpid())" }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let parent = FileSystem.parent(of: path)
    let tag = WorkTreeKey.shared.tag(name: name, nonce: random, process: getpid())
    return (parent.isEmpty ? "" : parent + "/")
      + ".\(name).\(random)\(tag.map { "-" + $0 } ?? "").tmp-\(getpid())"
  }

  /// The id of the process that wrote a temporary file named `name`, or nil when the name
  /// is not one of mlx's temporary names.
  static func writer(of name: String) -> Int32? {
    guard let dash = name.lastIndex(of: "-"), name[..<dash].hasSuffix(".tmp") else { return nil }
    return Int32(name[name.index(after: dash)...])
  }

  /// Tags temporary names in the work tree with the key in `path`, made on first use.
  static func useKey(at path: String) { WorkTreeKey.shared.use(path) }

  /// Whether `name`, an entry of a work-tree directory, is a temporary file mlx made: a
  /// temporary name whose tag checks out under the repository's key.
  static func isOwn(_ name: String) -> Bool {
    guard name.hasPrefix("."), let process = writer(of: name) else { return false }
    // `.NAME.NONCE-TAG.tmp-PID`: NONCE is base 36 and TAG hex, so neither holds '.' or '-'.
    let stem = name.dropFirst().dropLast(".tmp-\(process)".count)
    guard let dot = stem.lastIndex(of: "."), let dash = stem[dot...].lastIndex(of: "-") else {
      return false
    }
    let nonce = String(stem[stem.index(after: dot)..<dash])
    let tag = String(stem[stem.index(after: dash)...])
    // Checking a name never makes the key: with no key yet, no name can be mlx's.
    return WorkTreeKey.shared.tag(
      name: String(stem[..<dot]), nonce: nonce, process: process, creatingKey: false) == tag
  }

  /// Whether `name` is a temporary file whose process is gone (killed before its rename).
  static func isAbandoned(_ name: String) -> Bool {
    guard let pid = writer(of: name) else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// Deletes files in `directory` written by mlx processes that are gone.
  static func removeAbandoned(in directory: String) {
    guard let entries = try? FileSystem.entries(of: directory) else { return }
    for entry in entries where isAbandoned(entry.name) {
      unlink("\(directory)/\(entry.name)")
    }
  }
}

/// The key that tags temporary names in one repository's work tree: 32 random bytes in
/// `.mlx/state/temporary-files.key`, made (exclusively, so concurrent processes agree) the
/// first time a tagged name is needed.
private final class WorkTreeKey: @unchecked Sendable {
  static let shared = WorkTreeKey()
  private let lock = Mutex()
  private var path: String?
  private var key: SymmetricKey?

  func use(_ path: String) {
    lock.withLock {
      if self.path != path { (self.path, key) = (path, nil) }
    }
  }

  /// The tag for a temporary name; nil when no key is in use or it cannot be made.
  func tag(name: String, nonce: String, process: Int32, creatingKey: Bool = true) -> String? {
    guard let key = lock.withLock({ loadedKey(creating: creatingKey) }) else { return nil }
    let message = Array("\(name)\u{0}\(nonce)\u{0}\(process)".utf8)
    let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
    return Hex.encode(Array(Array(code).prefix(8)))
  }

  /// Reads the key, or makes it: written to a file of its own, then linked into place, which
  /// fails when another process got there first (then its key is read).
  private func loadedKey(creating: Bool) -> SymmetricKey? {
    if let key { return key }
    guard let path else { return nil }
    if let bytes = try? FileSystem.read(path), bytes.count == 32 {
      key = SymmetricKey(data: bytes)
      return key
    }
    guard creating else { return nil }
    let fresh = (0..<32).map { _ in UInt8.random(in: 0...255) }
    let draft = path + ".\(UInt64.random(in: 0...UInt64.max)).new"
    defer { unlink(draft) }
    // Written by hand: FileSystem.write names its temporary file through this key.
    guard (try? FileSystem.createDirectories(FileSystem.parent(of: path))) != nil else {
      return nil
    }
    let descriptor = open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return nil }
    let written = fresh.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let synced = fsync(descriptor) == 0
    close(descriptor)
    guard written == fresh.count, synced else { return nil }
    if link(draft, path) == 0 {
      key = SymmetricKey(data: fresh)
    } else if let bytes = try? FileSystem.read(path), bytes.count == 32 {
      key = SymmetricKey(data: bytes)
    }
    return key
  }
}
