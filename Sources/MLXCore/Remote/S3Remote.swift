#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A remote in an S3-compatible bucket (AWS S3, MinIO, Ceph, GCS's S3 interface), under a
/// key prefix. An upload appears under its key only once complete: a single PUT, or a
/// multipart upload that S3 assembles when it completes.
struct S3Remote: RemoteStorage {
  let client: S3Client

  /// The remote `spec` describes, with credentials from its settings, the AWS environment
  /// or profiles; `jobs` bounds the requests in flight.
  init(spec: RemoteSpec, location: S3Location, jobs: Int?) throws {
    let chain = S3CredentialChain(
      explicit: spec.explicitCredentials, profile: spec.settings["profile"],
      environment: Environment.all)
    let credentials = try chain.resolve()
    var settings = spec.s3Settings(credentials: chain)
    if let jobs { settings.jobs = max(1, jobs) }
    client = try S3Client(location: location, settings: settings, credentials: credentials)
  }

  var displayName: String { client.location.description }

  /// Packs of at most one part (16 MiB): each is one PUT, so nothing waits for the service to
  /// assemble a multipart upload, and one GET, so a fetch downloads several whole packs at
  /// once rather than ranges of one.
  var packLengthLimit: Int? { client.settings.partSize }

  var parallelTransfers: Int { client.settings.jobs }

  func list(prefix: String) throws -> [ListedObject] {
    let client = self.client
    return try BlockingCall.run { try await client.list(prefix: prefix) }
  }

  func read(_ key: String, maximumLength: Int) throws -> [UInt8] {
    let client = self.client
    return try BlockingCall.run { try await client.get(key, maximumLength: maximumLength) }
  }

  func read(_ key: String, offset: UInt64, length: Int) throws -> [UInt8] {
    guard offset <= UInt64(Int64.max - Int64(length)) else {
      throw RemoteError.unreachable(displayName, reason: "lists an impossible offset for \(key)")
    }
    let client = self.client
    return try BlockingCall.run {
      try await client.get(key, range: Int64(offset)..<(Int64(offset) + Int64(length)))
    }
  }

  func delete(_ key: String) throws {
    let client = self.client
    try BlockingCall.run { try await client.delete(key) }
  }

  func download(_ key: String, length: UInt64, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw SystemError.last("open", path: path) }
    defer { close(descriptor) }
    guard length <= UInt64(Int64.max) else {
      throw RemoteError.unreachable(displayName, reason: "lists an impossible length for \(key)")
    }
    let client = self.client
    do {
      try BlockingCall.run {
        try await client.download(key, length: Int64(length), into: descriptor, path: path)
      }
    } catch {
      unlink(path)
      throw error
    }
  }

  func upload(file path: String, to key: String) throws {
    let client = self.client
    try BlockingCall.run { try await client.upload(key, file: path) }
  }

  func write(_ bytes: [UInt8], to key: String) throws {
    let client = self.client
    try BlockingCall.run { try await client.put(key, bytes: bytes) }
  }
}
