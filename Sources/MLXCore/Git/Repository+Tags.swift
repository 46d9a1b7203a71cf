internal import CGit2
import Foundation

/// An annotated tag object as stored, split the way `git verify-tag` splits it.
public struct RawTag: Sendable {
  public let id: GitOID
  /// The object the tag points to.
  public let target: GitOID
  public let targetType: String
  public let name: String
  public let tagger: GitIdentity
  /// Tagger time, seconds since the epoch.
  public let time: Int64
  /// Tagger time-zone offset, in minutes.
  public let offsetMinutes: Int
  /// The message, without any signature.
  public let message: String
  /// The bytes a signature covers: everything before the signature.
  public let payload: [UInt8]
  /// The armoured signature appended to the payload, if any.
  public let signature: String?

  /// The armour lines git recognises, in the order `git verify-tag` checks them.
  static let armourHeaders = [
    "-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----",
    "-----BEGIN SIGNED MESSAGE-----", "-----BEGIN SSH SIGNATURE-----",
  ]

  /// Parses the raw object bytes; nil when they are not a well-formed tag. Works on bytes:
  /// the registry reads thousands of tags per command.
  init?(id: GitOID, bytes: [UInt8]) {
    guard let tag = try? RawTag(parsing: bytes, id: id) else { return nil }
    self = tag
  }

  /// Parses the raw object bytes, saying what is wrong when they are not a well-formed tag.
  init(parsing bytes: [UInt8], id: GitOID) throws(TagFormatError) {
    let newline = UInt8(ascii: "\n")
    // Headers end at the first empty line.
    var headerEnd: Int?
    for index in 0..<max(0, bytes.count - 1)
    where bytes[index] == newline && bytes[index + 1] == newline {
      headerEnd = index
      break
    }
    guard let headerEnd else {
      throw TagFormatError("no empty line between the headers and the message")
    }
    var headers: [String: String] = [:]
    for line in bytes[0..<headerEnd].split(separator: newline) {
      let text = String(decoding: line, as: UTF8.self)
      guard let space = line.firstIndex(of: UInt8(ascii: " ")) else {
        throw TagFormatError("header line '\(MessageText.quoted(text))' is not 'NAME VALUE'")
      }
      let key = String(decoding: line[..<space], as: UTF8.self)
      // A header given twice is ambiguous (git itself refuses such a tag): not a tag.
      guard headers[key] == nil else {
        throw TagFormatError("header '\(MessageText.quoted(key))' is given twice")
      }
      headers[key] = String(decoding: line[(space + 1)...], as: UTF8.self)
    }
    for key in ["object", "type", "tag", "tagger"] where headers[key] == nil {
      throw TagFormatError("the '\(key)' header is missing")
    }
    guard let object = headers["object"], let target = GitOID(hex: object) else {
      throw TagFormatError(
        "object '\(MessageText.quoted(headers["object"] ?? ""))' is not a Git object id")
    }
    guard let type = headers["type"], let name = headers["tag"], let tagger = headers["tagger"],
      let identity = Self.parseTagger(tagger)
    else {
      throw TagFormatError(
        "tagger '\(MessageText.quoted(headers["tagger"] ?? ""))' is not "
          + "'Name <email> SECONDS +HHMM'")
    }
    self.id = id
    self.target = target
    targetType = type
    self.name = name
    (self.tagger, time, offsetMinutes) = identity

    // The signature starts at the last line that begins with an armour header.
    let bodyStart = headerEnd + 2
    var signatureStart: Int?
    var lineStart = bodyStart
    while lineStart < bytes.count {
      if bytes[lineStart] == UInt8(ascii: "-"),
        Self.armourBytes.contains(where: { bytes[lineStart...].starts(with: $0) })
      {
        signatureStart = lineStart
      }
      guard let next = bytes[lineStart...].firstIndex(of: newline) else { break }
      lineStart = next + 1
    }
    let messageEnd = signatureStart ?? bytes.count
    message = String(decoding: bytes[bodyStart..<messageEnd], as: UTF8.self)
    signature = signatureStart.map { String(decoding: bytes[$0...], as: UTF8.self) }
    payload = signatureStart.map { Array(bytes[..<$0]) } ?? bytes
  }

  private static let armourBytes = armourHeaders.map { Array($0.utf8) }

  /// `Name <email> seconds ±HHMM`.
  private static func parseTagger(_ text: String) -> (GitIdentity, Int64, Int)? {
    guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close
    else { return nil }
    let name = text[..<open].trimmingCharacters(in: .whitespaces)
    let email = String(text[text.index(after: open)..<close])
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count == 2, let seconds = Int64(fields[0]),
      Timestamp.representable.contains(seconds),
      fields[1].count == 5, fields[1].first == "+" || fields[1].first == "-",
      fields[1].dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
      let hhmm = Int(fields[1].dropFirst()), hhmm / 100 <= 14, hhmm % 100 < 60
    else { return nil }
    let offset = (hhmm / 100 * 60 + hhmm % 100) * (fields[1].hasPrefix("-") ? -1 : 1)
    return (GitIdentity(name: name, email: email), seconds, offset)
  }
}

/// Why bytes are not an annotated tag object.
public struct TagFormatError: Error, Equatable, CustomStringConvertible {
  public let problem: String

  init(_ problem: String) { self.problem = problem }

  public var description: String { MessageText.oneLine(problem) }
}

/// The user name for SSH remotes whose URL names none: a C string that lives for the whole
/// process and is never written, so sharing it between threads is safe.
nonisolated(unsafe) private let defaultSSHUser = UnsafePointer<CChar>(strdup("git")!)

extension Repository {
  /// Every tag reference (`refs/tags/…`) with the object it points to.
  public func tagReferences() throws -> [(name: String, target: GitOID)] {
    try ReferenceListCache.references(
      in: self, namespace: "refs/tags/", cacheName: "tag-refs-cache"
    )
    .map { (String($0.name.dropFirst(10)), $0.target) }
  }

  /// The annotated tag object `id`, or nil when `id` is not a tag (a lightweight tag
  /// points straight at a commit).
  public func annotatedTag(_ id: GitOID) throws -> RawTag? {
    let odb = try objectDatabase()
    let object = try id.withRaw { raw in
      try makeHandle("git_odb_read") { git_odb_read(&$0, odb, raw) }
    }
    defer { git_odb_object_free(object) }
    guard git_odb_object_type(object) == GIT_OBJECT_TAG else { return nil }
    let bytes = Array(
      UnsafeRawBufferPointer(
        start: git_odb_object_data(object), count: git_odb_object_size(object)))
    return RawTag(id: id, bytes: bytes)
  }

  /// Writes a complete tag object (payload and any signature) and creates
  /// `refs/tags/<name>`; fails if the tag exists.
  @discardableResult
  public func createTag(fromBuffer buffer: String) throws -> GitOID {
    var oid = git_oid()
    try check(git_tag_create_from_buffer(&oid, handle, buffer, 0), "git_tag_create_from_buffer")
    return GitOID(oid)
  }

  /// Writes a complete tag object (payload and any signature) without creating a tag
  /// reference, and points `reference` (outside `refs/tags/`) at it; fails if the reference
  /// exists. Approvals are stored this way, where GTO never looks.
  @discardableResult
  public func createTagObject(_ buffer: [UInt8], reference: String) throws -> GitOID {
    let odb = try objectDatabase()
    var oid = git_oid()
    let written = buffer.withUnsafeBytes { bytes in
      git_odb_write(&oid, odb, bytes.baseAddress, bytes.count, GIT_OBJECT_TAG)
    }
    try check(written, "git_odb_write")
    var created: OpaquePointer?
    try check(
      git_reference_create(&created, handle, reference, &oid, 0, "mlx approve"),
      "git_reference_create")
    git_reference_free(created)
    return GitOID(oid)
  }

  /// The type of the object `id` (`commit`, `tag`, …).
  public func objectType(_ id: GitOID) throws -> String {
    let object = try id.withRaw { raw in
      try makeHandle("git_object_lookup") { git_object_lookup(&$0, handle, raw, GIT_OBJECT_ANY) }
    }
    defer { git_object_free(object) }
    return String(cString: git_object_type2string(git_object_type(object)))
  }

  /// A Git config value (`user.signingkey`), or nil when unset.
  public func configValue(_ name: String) throws -> String? {
    let config = try makeHandle("git_repository_config_snapshot") {
      git_repository_config_snapshot(&$0, handle)
    }
    defer { git_config_free(config) }
    var value: UnsafePointer<CChar>?
    let code = git_config_get_string(&value, config, name)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "git_config_get_string")
    return value.map { String(cString: $0) }
  }

  // MARK: - Pushing

  /// Pushes `refspecs` to `remote` (a remote name or URL). Rejections by the server, which
  /// libgit2 reports only through a callback, are thrown as errors.
  public func push(_ refspecs: [String], to remote: String) throws {
    let handle = self.handle
    var remoteHandle: OpaquePointer?
    if git_remote_lookup(&remoteHandle, handle, remote) != 0 {
      try check(
        git_remote_create_anonymous(&remoteHandle, handle, remote), "git_remote_create_anonymous")
    }
    guard let remoteHandle else { return }
    defer { git_remote_free(remoteHandle) }

    final class Rejections { var messages: [String] = [] }
    let rejections = Rejections()
    var options = git_push_options()
    // The init function sets the version and defaults, so fields added later stay zeroed.
    try check(
      git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
    options.callbacks.payload = Unmanaged.passUnretained(rejections).toOpaque()
    options.callbacks.push_update_reference = { reference, status, payload in
      if let status, let payload {
        let rejections = Unmanaged<Rejections>.fromOpaque(payload).takeUnretainedValue()
        rejections.messages.append("\(String(cString: reference!)): \(String(cString: status))")
      }
      return 0
    }
    options.callbacks.credentials = { out, _, username, allowed, _ in
      // ssh-agent for SSH remotes; the system's default credentials otherwise.
      if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        return git_credential_ssh_key_from_agent(out, username ?? defaultSSHUser)
      }
      if allowed & GIT_CREDENTIAL_DEFAULT.rawValue != 0 { return git_credential_default_new(out) }
      return GIT_PASSTHROUGH.rawValue
    }
    _ = try withStringArray(refspecs) { (array) throws in
      try check(git_remote_push(remoteHandle, &array, &options), "git_remote_push")
    }
    if let rejected = rejections.messages.first {
      throw GitError(
        code: -1, function: "git_remote_push", message: "the remote rejected \(rejected)")
    }
  }
}

// MARK: - Fetching and cloning

extension Repository {
  /// Fetches `refspecs` (globs allowed, `refs/tags/*:refs/tags/*`) from `remote` (a remote
  /// name or URL). Without a leading `+`, a refspec never moves an existing reference
  /// anywhere but forward.
  public func fetch(_ refspecs: [String], from remote: String) throws {
    var remoteHandle: OpaquePointer?
    if git_remote_lookup(&remoteHandle, handle, remote) != 0 {
      try check(
        git_remote_create_anonymous(&remoteHandle, handle, remote), "git_remote_create_anonymous")
    }
    guard let remoteHandle else { return }
    defer { git_remote_free(remoteHandle) }
    var options = git_fetch_options()
    try check(
      git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)),
      "git_fetch_options_init")
    options.callbacks.credentials = { out, _, username, allowed, _ in
      if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        return git_credential_ssh_key_from_agent(out, username ?? defaultSSHUser)
      }
      if allowed & GIT_CREDENTIAL_DEFAULT.rawValue != 0 { return git_credential_default_new(out) }
      return GIT_PASSTHROUGH.rawValue
    }
    // Tags come only through the refspecs given, not by libgit2's automatic following.
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
    _ = try withStringArray(refspecs) { (array) throws in
      try check(git_remote_fetch(remoteHandle, &array, &options, nil), "git_remote_fetch")
    }
  }

  /// Clones `url` into the new directory `path`, with a work tree, and opens it.
  public static func clone(_ url: String, to path: String) throws -> Repository {
    _ = libgit2Initialized
    var options = git_clone_options()
    try check(
      git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION)),
      "git_clone_options_init")
    options.fetch_opts.callbacks.credentials = { out, _, username, allowed, _ in
      if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        return git_credential_ssh_key_from_agent(out, username ?? defaultSSHUser)
      }
      if allowed & GIT_CREDENTIAL_DEFAULT.rawValue != 0 { return git_credential_default_new(out) }
      return GIT_PASSTHROUGH.rawValue
    }
    var cloned: OpaquePointer?
    try check(git_clone(&cloned, url, path, &options), "git_clone")
    git_repository_free(cloned)
    return try Repository.discover(from: path)
  }
}
