import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// The S3 client against a real S3-protocol server (moto, started by the tests).
@Suite struct S3ClientTests {
  static let credentials = S3Credentials(
    accessKeyID: "test", secretAccessKey: "test", source: "test")

  func client(
    prefix: String = "data", partSize: Int = 5 << 20, listPageSize: Int = 1000,
    endpoint: String = S3TestServer.shared.endpoint
  ) throws -> S3Client {
    var settings = S3Settings(
      endpoint: endpoint, region: "us-east-1", pathStyle: true, timeoutSeconds: 10, jobs: 4,
      partSize: partSize, firstBackoffMilliseconds: 10)
    settings.listPageSize = listPageSize
    return try S3Client(
      location: S3Location(bucket: try S3TestServer.shared.newBucket(), prefix: prefix),
      settings: settings, credentials: Self.credentials)
  }

  @Test func smallObjectsGoAndComeBack() async throws {
    let client = try client()
    try await client.put("a/one.txt", bytes: Array("hello".utf8))
    #expect(try await client.get("a/one.txt", maximumLength: 100) == Array("hello".utf8))
    #expect(try await client.size(of: "a/one.txt") == 5)
    #expect(try await client.size(of: "a/none.txt") == nil)
    await #expect(throws: S3Error.self) { try await client.get("a/one.txt", maximumLength: 4) }
    do {
      _ = try await client.get("a/none.txt", maximumLength: 100)
      Issue.record("a missing key was read")
    } catch let error as S3Error {
      #expect(error.status == 404)
      #expect("\(error)".contains("s3://\(client.location.bucket)/data/a/none.txt"))
      #expect("\(error)".contains("NoSuchKey"))
    }
    try await client.delete("a/one.txt")
    try await client.delete("a/one.txt")
    #expect(try await client.size(of: "a/one.txt") == nil)
  }

  @Test func listingPagesThroughEveryKeyUnderThePrefixOnly() async throws {
    let client = try client(listPageSize: 7)
    for number in 0..<23 {
      try await client.put("packs/k\(number)", bytes: [UInt8(number)])
    }
    try await client.put("packs/deeper/x", bytes: [1])
    try await client.put("other", bytes: [1])
    let listed = try await client.list(prefix: "packs/")
    #expect(listed.count == 23)
    #expect(Set(listed.map(\.key)) == Set((0..<23).map { "packs/k\($0)" }))
    #expect(listed.allSatisfy { $0.size == 1 })
    #expect(try await client.list(prefix: "none/").isEmpty)
  }

  @Test func aLargeFileTravelsInPartsBothWays() async throws {
    let client = try client(partSize: 5 << 20)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let bytes = pseudoRandomBytes(count: (12 << 20) + 12345, seed: 7)
    try directory.write(bytes, to: "big")
    try await client.upload("packs/big.pack", file: directory("big"))
    #expect(try await client.size(of: "packs/big.pack") == Int64(bytes.count))
    // Three parts went up (5 MiB parts) and became one object.
    let keys = try S3TestServer.shared.keys(in: client.location.bucket)
    #expect(keys == ["data/packs/big.pack"])

    let target = directory("copy")
    let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    #expect(descriptor >= 0)
    try await client.download(
      "packs/big.pack", length: Int64(bytes.count), into: descriptor, path: target)
    close(descriptor)
    #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == bytes)
  }

  @Test func aDownloadOfTheWrongLengthIsRefused() async throws {
    let client = try client(partSize: 5 << 20)
    try await client.put("short", bytes: Array(repeating: 1, count: 100))
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let descriptor = open(directory("out"), O_WRONLY | O_CREAT | O_EXCL, 0o600)
    defer { close(descriptor) }
    await #expect(throws: S3Error.self) {
      try await client.download("short", length: 200, into: descriptor, path: directory("out"))
    }
  }

  @Test func aMissingBucketIsNamed() async throws {
    var settings = S3Settings(
      endpoint: S3TestServer.shared.endpoint, region: "us-east-1", pathStyle: true)
    settings.firstBackoffMilliseconds = 10
    let client = try S3Client(
      location: S3Location(bucket: "no-such-bucket-here", prefix: ""), settings: settings,
      credentials: Self.credentials)
    do {
      _ = try await client.list(prefix: "packs/")
      Issue.record("listed a bucket that does not exist")
    } catch {
      #expect("\(error)".contains("NoSuchBucket"))
      #expect("\(error)".contains("create the bucket"))
    }
  }

  @Test func urlsAreParsed() throws {
    let plain = try S3Location.parse("s3://my-bucket").get()
    #expect(plain == S3Location(bucket: "my-bucket", prefix: ""))
    let nested = try S3Location.parse("s3://my.bucket/a/b/").get()
    #expect(nested == S3Location(bucket: "my.bucket", prefix: "a/b"))
    for bad in ["s3://", "s3://ab", "s3://Upper", "s3://-x-y", "s3://bucket/../x", "http://b"] {
      #expect(throws: S3URLProblem.self) { try S3Location.parse(bad).get() }
    }
  }
}
