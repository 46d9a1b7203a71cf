import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// One object of a listing: its key (relative to the location's prefix), size, and when it
/// was last written (seconds since 1970).
public struct ListedObject: Sendable, Equatable {
  public var key: String
  public var size: Int64
  public var modified: Int64

  public init(key: String, size: Int64, modified: Int64) {
    self.key = key
    self.size = size
    self.modified = modified
  }
}

/// Where an S3 remote keeps its objects: `s3://bucket/prefix`.
public struct S3Location: Sendable, Equatable {
  public var bucket: String
  /// Key prefix without leading or trailing slash; empty for the bucket's root.
  public var prefix: String

  /// Parses `s3://bucket[/prefix]`; nil with the reason when it is not one.
  public static func parse(_ url: String) -> Result<S3Location, S3URLProblem> {
    guard url.hasPrefix("s3://") else { return .failure(.init("does not start with s3://")) }
    let rest = url.dropFirst("s3://".count)
    let bucket = String(rest.prefix { $0 != "/" })
    // Bucket names: 3–63 lower-case letters, digits, '.' and '-' (AWS's rules).
    guard (3...63).contains(bucket.count),
      bucket.utf8.allSatisfy({
        ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D
      }),
      bucket.first != "-", bucket.first != "."
    else {
      return .failure(
        .init("names no valid bucket (3 to 63 lower-case letters, digits, '.' and '-')"))
    }
    let segments = rest.dropFirst(bucket.count).split(separator: "/")
    guard !segments.contains(where: { $0 == "." || $0 == ".." }) else {
      return .failure(.init("has '.' or '..' in its prefix"))
    }
    return .success(S3Location(bucket: bucket, prefix: segments.joined(separator: "/")))
  }

  public var description: String { "s3://\(bucket)" + (prefix.isEmpty ? "" : "/\(prefix)") }
}

/// Why a URL is not an S3 location.
public struct S3URLProblem: Error, Sendable {
  public var reason: String
  init(_ reason: String) { self.reason = reason }
}

/// How an S3 client connects: endpoint, addressing, region and patience.
public struct S3Settings: Sendable, Equatable {
  /// `http(s)://host[:port]`; nil for AWS itself (`https://s3.REGION.amazonaws.com`).
  public var endpoint: String?
  public var region: String
  /// Path-style (`endpoint/bucket/key`) rather than virtual-host (`bucket.endpoint/key`).
  public var pathStyle: Bool
  /// Seconds without a byte from the service before a request is given up and retried.
  public var timeoutSeconds: Int
  /// Attempts per request, the first included.
  public var attempts: Int
  /// Requests in flight at once.
  public var jobs: Int
  /// Bytes per part of a multipart upload and per ranged download.
  public var partSize: Int
  /// The first retry waits up to this long; each later one up to twice as long, at most 20 s.
  public var firstBackoffMilliseconds: Int
  /// Keys per ListObjectsV2 page (S3 answers at most 1,000).
  public var listPageSize = 1000

  public init(
    endpoint: String?, region: String, pathStyle: Bool, timeoutSeconds: Int = 60,
    attempts: Int = 6, jobs: Int = 8, partSize: Int = 16 << 20, firstBackoffMilliseconds: Int = 200
  ) {
    self.endpoint = endpoint
    self.region = region
    self.pathStyle = pathStyle
    self.timeoutSeconds = timeoutSeconds
    self.attempts = attempts
    self.jobs = jobs
    self.partSize = partSize
    self.firstBackoffMilliseconds = firstBackoffMilliseconds
  }
}

/// The S3 API requests mlx needs, signed with ``SigV4Signer``, over async-http-client:
/// HEAD, GET (whole, bounded, or in parallel ranges into a file), PUT (single or multipart in
/// parallel parts), DELETE and ListObjectsV2 with paging. Every request is retried with
/// exponential backoff and full jitter on 5xx, throttling, timeouts and dropped connections.
public struct S3Client: Sendable {
  public let location: S3Location
  public let settings: S3Settings
  let signer: SigV4Signer
  let scheme: String
  /// `host[:port]` as the Host header carries it.
  let authority: String
  let http: HTTPClient

  public init(location: S3Location, settings: S3Settings, credentials: S3Credentials)
    throws(S3Error)
  {
    self.location = location
    self.settings = settings
    signer = SigV4Signer(credentials: credentials, region: settings.region)
    let endpoint = settings.endpoint ?? "https://s3.\(settings.region).amazonaws.com"
    let parts = endpoint.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].hasSuffix(":"), parts[1].isEmpty else {
      throw .malformedResponse(location: endpoint, reason: "the endpoint needs http:// or https://")
    }
    scheme = String(parts[0].dropLast()).lowercased()
    var host = String(parts[2])
    while host.hasSuffix("/") { host.removeLast() }
    guard scheme == "http" || scheme == "https", !host.isEmpty, !host.contains("/") else {
      throw .malformedResponse(
        location: endpoint, reason: "an endpoint is http(s)://host[:port], with no path")
    }
    authority = settings.pathStyle ? host : "\(location.bucket).\(host)"
    http = HTTPClients.client(timeoutSeconds: settings.timeoutSeconds)
  }

  /// The full key of `key` under the location's prefix.
  public func fullKey(_ key: String) -> String {
    location.prefix.isEmpty ? key : location.prefix + "/" + key
  }

  /// `s3://bucket/prefix/key`, for messages.
  public func describe(_ key: String) -> String { "s3://\(location.bucket)/\(fullKey(key))" }

  // MARK: Requests

  /// The size of `key`, or nil when there is no such object.
  public func size(of key: String) async throws -> Int64? {
    let response = try await send(
      "HEAD", key: key, accepting: [200, 404], collectingUpTo: 0)
    guard response.status == 200 else { return nil }
    guard let length = response.headers.first(name: "content-length").flatMap(Int64.init) else {
      throw S3Error.malformedResponse(location: describe(key), reason: "no Content-Length")
    }
    return length
  }

  /// The bytes of `key`, refusing more than `maximumLength`.
  public func get(_ key: String, maximumLength: Int) async throws -> [UInt8] {
    let response = try await send("GET", key: key, collectingUpTo: maximumLength)
    return response.body
  }

  /// The bytes of `range` of `key`; an error when the object ends before the range does.
  public func get(_ key: String, range: Range<Int64>) async throws -> [UInt8] {
    if range.isEmpty { return [] }
    let response = try await send(
      "GET", key: key, headers: [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")],
      accepting: [206], collectingUpTo: range.count)
    guard response.body.count == range.count else {
      throw S3Error.malformedResponse(
        location: describe(key),
        reason: "\(response.body.count) bytes where \(range.count) were asked for")
    }
    return response.body
  }

  /// Writes the `length` bytes of `key` into `descriptor` (from offset 0), in ranges of
  /// ``S3Settings/partSize`` fetched in parallel.
  public func download(_ key: String, length: Int64, into descriptor: Int32, path: String)
    async throws
  {
    if length == 0 {
      _ = try await send("GET", key: key, collectingUpTo: 0)
      return
    }
    // Ranges of at least a part, and no more than one per job: fewer, larger requests suit
    // services that read a whole object for every range (moto does).
    let part = max(
      Int64(settings.partSize), Self.roundedToMiB(length / Int64(max(1, settings.jobs)) + 1))
    let ranges = stride(from: Int64(0), to: length, by: Int(part)).map {
      $0..<min(length, $0 + part)
    }
    try await forEach(ranges) { range in
      let written = try await send(
        "GET", key: key,
        headers: [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")],
        accepting: [200, 206]
      ) { response, buffer, offset in
        guard offset + Int64(buffer.readableBytes) <= Int64(range.count) else {
          throw S3Error.malformedResponse(
            location: describe(key), reason: "more bytes than the \(range.count) asked for")
        }
        try buffer.withUnsafeReadableBytes {
          try FileSystem.writeFully(descriptor, $0, at: range.lowerBound + offset, path: path)
        }
      }
      guard written == Int64(range.count) else {
        throw S3Error.malformedResponse(
          location: describe(key),
          reason: "\(written) bytes where \(range.count) were asked for; is the object shorter?")
      }
    }
  }

  /// Stores `bytes` under `key`.
  public func put(_ key: String, bytes: [UInt8]) async throws {
    var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
    buffer.writeBytes(bytes)
    _ = try await send("PUT", key: key, body: buffer, collectingUpTo: 0)
  }

  /// Stores the local file at `path` under `key`: one PUT up to ``S3Settings/partSize``,
  /// a multipart upload of parallel parts above it, aborted if a part fails.
  public func upload(_ key: String, file path: String) async throws {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError.last("open", path: path) }
    defer { close(descriptor) }
    let size = try FileStatus.of(descriptor: descriptor, path: path).size
    // At most 10,000 parts: a larger file gets larger parts, in whole MiB.
    let partSize = max(Int64(settings.partSize), Self.roundedToMiB(size / 10_000 + 1))
    if size <= partSize {
      let buffer = try Self.read(descriptor, path: path, range: 0..<size)
      _ = try await send("PUT", key: key, body: buffer, collectingUpTo: 0)
      return
    }
    let created = try await send(
      "POST", key: key, query: [("uploads", "")], collectingUpTo: 1 << 20)
    guard let uploadID = XMLTree.parse(created.body)?.text("UploadId"), !uploadID.isEmpty else {
      throw S3Error.malformedResponse(location: describe(key), reason: "no UploadId")
    }
    do {
      let ranges = stride(from: Int64(0), to: size, by: Int(partSize)).map {
        $0..<min(size, $0 + partSize)
      }
      let tags = ETagList(count: ranges.count)
      try await forEach(Array(ranges.enumerated())) { number, range in
        let buffer = try Self.read(descriptor, path: path, range: range)
        let response = try await send(
          "PUT", key: key, query: [("partNumber", "\(number + 1)"), ("uploadId", uploadID)],
          body: buffer, collectingUpTo: 0)
        guard let tag = response.headers.first(name: "etag") else {
          throw S3Error.malformedResponse(location: describe(key), reason: "a part without ETag")
        }
        tags.set(number, tag)
      }
      var document = "<CompleteMultipartUpload>"
      for (number, tag) in tags.values.enumerated() {
        document +=
          "<Part><PartNumber>\(number + 1)</PartNumber><ETag>\(Self.escaped(tag))</ETag></Part>"
      }
      document += "</CompleteMultipartUpload>"
      var body = ByteBufferAllocator().buffer(capacity: document.utf8.count)
      body.writeString(document)
      let completed = try await send(
        "POST", key: key, query: [("uploadId", uploadID)], body: body,
        accepting: [200, 404], collectingUpTo: 1 << 20)
      // S3 may answer 200 with an error inside; a retried completion may find the upload
      // gone because the first one finished. The object's size tells.
      let answer = XMLTree.parse(completed.body)
      if completed.status != 200 || answer?.name == "Error" {
        guard try await self.size(of: key) == size else {
          throw S3Error.service(
            location: describe(key), status: completed.status,
            code: answer?.text("Code") ?? "CompleteMultipartUpload",
            message: answer?.text("Message") ?? "the upload did not complete")
        }
      }
    } catch {
      _ = try? await send(
        "DELETE", key: key, query: [("uploadId", uploadID)], accepting: [200, 204, 404],
        collectingUpTo: 0, attempts: 1)
      throw error
    }
  }

  /// Deletes `key`; no error when it is already gone.
  public func delete(_ key: String) async throws {
    _ = try await send("DELETE", key: key, accepting: [200, 204, 404], collectingUpTo: 0)
  }

  /// The objects whose keys start with `prefix` (relative to the location) and have no `/`
  /// after it, with their sizes; every page of ListObjectsV2.
  public func list(prefix: String) async throws -> [ListedObject] {
    var result: [ListedObject] = []
    var token: String?
    let full = fullKey(prefix)
    let strip = location.prefix.isEmpty ? 0 : location.prefix.count + 1
    repeat {
      var query = [
        ("list-type", "2"), ("prefix", full), ("delimiter", "/"),
        ("max-keys", "\(settings.listPageSize)"),
      ]
      if let token { query.append(("continuation-token", token)) }
      let response = try await send("GET", key: nil, query: query, collectingUpTo: 64 << 20)
      guard let page = XMLTree.parse(response.body), page.name == "ListBucketResult" else {
        throw S3Error.malformedResponse(
          location: describe(prefix), reason: "not a ListBucketResult")
      }
      for entry in page.all("Contents") {
        guard let key = entry.text("Key"), key.hasPrefix(full),
          let size = entry.text("Size").flatMap(Int64.init),
          let modified = entry.text("LastModified").flatMap(Timestamp.parse)
        else {
          throw S3Error.malformedResponse(
            location: describe(prefix),
            reason: "a listing entry without Key, Size or LastModified")
        }
        result.append(
          ListedObject(
            key: String(key.dropFirst(strip)), size: size,
            modified: Int64(modified.timeIntervalSince1970)))
      }
      token = page.text("IsTruncated") == "true" ? page.text("NextContinuationToken") : nil
      if page.text("IsTruncated") == "true" && token == nil {
        throw S3Error.malformedResponse(
          location: describe(prefix), reason: "a truncated listing without a continuation token")
      }
    } while token != nil
    return result
  }

  // MARK: Sending, signing, retrying

  struct Response {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
  }

  /// Sends one request, retried, and collects its body (refusing more than
  /// `collectingUpTo` bytes).
  func send(
    _ method: String, key: String?, query: [(String, String)] = [],
    headers: [(String, String)] = [], body: ByteBuffer? = nil,
    accepting: Set<Int> = [200, 204, 206], collectingUpTo limit: Int, attempts: Int? = nil
  ) async throws -> Response {
    var collected: [UInt8] = []
    var head: (Int, HTTPHeaders) = (0, [:])
    _ = try await send(
      method, key: key, query: query, headers: headers, body: body, accepting: accepting,
      attempts: attempts,
      onHead: { status, headers in
        collected = []
        head = (status, headers)
      }
    ) { _, buffer, offset in
      guard offset + Int64(buffer.readableBytes) <= Int64(limit) else {
        throw S3Error.malformedResponse(
          location: describe(key ?? ""), reason: "an answer longer than \(limit) bytes")
      }
      collected.append(contentsOf: buffer.readableBytesView)
    }
    return Response(status: head.0, headers: head.1, body: collected)
  }

  /// Sends one request, retried as a whole, handing each received body buffer and its offset
  /// to `receive`; returns the body's length.
  func send(
    _ method: String, key: String?, query: [(String, String)] = [],
    headers extra: [(String, String)] = [], body: ByteBuffer? = nil,
    accepting: Set<Int> = [200, 204, 206], attempts: Int? = nil,
    onHead: (Int, HTTPHeaders) -> Void = { _, _ in },
    receive: (HTTPClientResponse, ByteBuffer, Int64) throws -> Void
  ) async throws -> Int64 {
    let payloadHash =
      body.map { buffer in
        buffer.withUnsafeReadableBytes { Hex.encode(Array(SHA256.hash(data: $0))) }
      } ?? SigV4Signer.emptyPayloadHash
    var path = "/"
    if settings.pathStyle { path += location.bucket + (key == nil ? "" : "/") }
    if let key { path += fullKey(key) }
    let where_ = key.map(describe) ?? "s3://\(location.bucket)"
    let allowed = max(1, attempts ?? settings.attempts)
    var attempt = 0
    while true {
      attempt += 1
      do {
        let timestamp = Self.timestamp()
        var headers: [(name: String, value: String)] = [
          ("host", authority), ("x-amz-date", timestamp), ("x-amz-content-sha256", payloadHash),
        ]
        headers += extra.map { (name: $0.0, value: $0.1) }
        if let token = signer.credentials.sessionToken {
          headers.append(("x-amz-security-token", token))
        }
        let signature = signer.sign(
          .init(
            method: method, path: path, query: query.map { (name: $0.0, value: $0.1) },
            headers: headers, payloadHash: payloadHash),
          timestamp: timestamp)
        let encodedPath = signer.canonicalPath(path)
        let encodedQuery = SigV4Signer.canonicalQuery(query.map { (name: $0.0, value: $0.1) })
        var request = HTTPClientRequest(
          url: "\(scheme)://\(authority)\(encodedPath)"
            + (encodedQuery.isEmpty ? "" : "?" + encodedQuery))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "authorization", value: signature.authorization)
        if let body {
          request.body = .bytes(body)
        } else if method == "PUT" || method == "POST" {
          request.headers.add(name: "content-length", value: "0")
        }
        let response = try await http.execute(
          request, timeout: .seconds(Int64(settings.timeoutSeconds) * 10))
        let status = Int(response.status.code)
        guard accepting.contains(status) else {
          let bytes = try await response.body.collect(upTo: 1 << 20)
          let error = XMLTree.parse(Array(bytes.readableBytesView))
          throw S3Error.service(
            location: where_, status: status,
            code: error?.text("Code") ?? (status == 404 ? "NotFound" : "HTTP\(status)"),
            message: error?.text("Message") ?? "")
        }
        onHead(status, response.headers)
        var offset: Int64 = 0
        if method != "HEAD" {
          for try await buffer in response.body {
            try receive(response, buffer, offset)
            offset += Int64(buffer.readableBytes)
          }
        }
        if method != "HEAD", status != 204,
          let declared = response.headers.first(name: "content-length").flatMap(Int64.init),
          declared != offset
        {
          throw HTTPClientError.remoteConnectionClosed
        }
        return offset
      } catch let error as S3Error {
        guard case .service(_, let status, let code, _) = error,
          Self.retryableStatuses.contains(status) || Self.retryableCodes.contains(code),
          attempt < allowed
        else { throw error }
      } catch {
        if Task.isCancelled { throw CancellationError() }
        // The client already retried a refused connection until its connect timeout: one
        // more attempt is enough.
        let refused = Self.isConnectFailure(error)
        guard attempt < (refused ? min(2, allowed) : allowed) else {
          throw S3Error.transport(
            location: where_, attempts: attempt,
            reason: refused
              ? "cannot connect to \(scheme)://\(authority) (\(Self.explain(error)))"
              : Self.explain(error))
        }
      }
      // Full jitter: a random wait up to the exponential bound.
      let bound = min(20_000, settings.firstBackoffMilliseconds << min(attempt - 1, 16))
      try await Task.sleep(nanoseconds: UInt64(Int.random(in: 0...max(1, bound))) * 1_000_000)
    }
  }

  /// `bytes` rounded up to whole MiB.
  static func roundedToMiB(_ bytes: Int64) -> Int64 { (bytes + (1 << 20) - 1) & ~((1 << 20) - 1) }

  static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
  static let retryableCodes: Set<String> = [
    "SlowDown", "RequestTimeout", "InternalError", "Throttling", "ThrottlingException",
    "RequestTimeTooSkewed",
  ]

  static func isConnectFailure(_ error: Error) -> Bool {
    if let error = error as? HTTPClientError, error == .connectTimeout { return true }
    let text = "\(error)"
    return text.contains("Connection refused") || text.contains("connectTimeout")
      || text.contains("NIOConnectionError")
  }

  /// A transport error in words.
  static func explain(_ error: Error) -> String {
    let text = "\(error)"
    if text.contains("Connection refused") { return "connection refused" }
    if let error = error as? HTTPClientError {
      switch error {
      case .readTimeout: return "no answer within the timeout"
      case .connectTimeout: return "could not connect within the timeout"
      case .remoteConnectionClosed: return "the connection closed early"
      case .deadlineExceeded: return "the request took too long"
      default: return "\(error)"
      }
    }
    return "\(error)"
  }

  /// Now as SigV4 writes it: `YYYYMMDDTHHMMSSZ`.
  static func timestamp() -> String {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
  }

  static func escaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      default: result.append(character)
      }
    }
    return result
  }

  /// Reads `range` of a file into a new buffer.
  static func read(_ descriptor: Int32, path: String, range: Range<Int64>) throws -> ByteBuffer {
    var buffer = ByteBufferAllocator().buffer(capacity: range.count)
    try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: range.count) { space in
      let count = try FileSystem.readFully(
        descriptor, into: UnsafeMutableRawBufferPointer(rebasing: space[0..<range.count]),
        at: range.lowerBound, path: path)
      guard count == range.count else {
        throw S3Error.malformedResponse(
          location: path, reason: "the file is shorter than when the upload began")
      }
      return count
    }
    return buffer
  }

  /// Runs `body` for every item, at most ``S3Settings/jobs`` at a time; the first error
  /// cancels the rest.
  func forEach<Item: Sendable>(
    _ items: [Item], _ body: @escaping @Sendable (Item) async throws -> Void
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      var next = 0
      while next < items.count && next < max(1, settings.jobs) {
        let item = items[next]
        group.addTask { try await body(item) }
        next += 1
      }
      while try await group.next() != nil {
        if next < items.count {
          let item = items[next]
          group.addTask { try await body(item) }
          next += 1
        }
      }
    }
  }
}

/// Part ETags gathered from parallel uploads.
private final class ETagList: @unchecked Sendable {
  private let lock = Mutex()
  private var tags: [String]
  init(count: Int) { tags = Array(repeating: "", count: count) }
  func set(_ index: Int, _ tag: String) { lock.withLock { tags[index] = tag } }
  var values: [String] { lock.withLock { tags } }
}

/// One HTTP client per timeout, kept for the life of the process (an `HTTPClient` must be
/// shut down before it is released; one that lives as long as the process never is).
enum HTTPClients {
  private static let lock = Mutex()
  nonisolated(unsafe) private static var clients: [Int: HTTPClient] = [:]

  static func client(timeoutSeconds: Int) -> HTTPClient {
    lock.withLock {
      if let client = clients[timeoutSeconds] { return client }
      var configuration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: .init(
          connect: .seconds(Int64(min(timeoutSeconds, 10))), read: .seconds(Int64(timeoutSeconds))),
        connectionPool: .init(
          idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32),
        decompression: .disabled)
      configuration.httpVersion = .http1Only
      let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
      clients[timeoutSeconds] = client
      return client
    }
  }
}
