import Crypto

/// AWS Signature Version 4: the canonical request, the string to sign and the
/// `Authorization` header, as AWS's published test suite spells them byte for byte.
///
/// S3 differs from other services in two ways, both set by ``Flavor``: it neither normalises
/// the path (`a//b/../c` is a key, not a path) nor encodes it a second time.
public struct SigV4Signer: Sendable {
  public enum Flavor: Sendable {
    /// S3: the path is signed as given, encoded once.
    case s3
    /// Every other service: `.` and `..` segments and repeated slashes are resolved first.
    case generic
  }

  public var credentials: S3Credentials
  public var region: String
  public var service: String
  public var flavor: Flavor

  public init(
    credentials: S3Credentials, region: String, service: String = "s3", flavor: Flavor = .s3
  ) {
    self.credentials = credentials
    self.region = region
    self.service = service
    self.flavor = flavor
  }

  /// A request before signing. `path` and `query` hold decoded text; the signer encodes them.
  public struct Request: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    /// Header names as sent; several with one name are joined with commas, in order.
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    public init(
      method: String, path: String, query: [(name: String, value: String)] = [],
      headers: [(name: String, value: String)], payloadHash: String
    ) {
      self.method = method
      self.path = path
      self.query = query
      self.headers = headers
      self.payloadHash = payloadHash
    }
  }

  /// Each step of a signature, for tests and `--verbose` diagnostics.
  public struct Signature: Sendable {
    public var canonicalRequest: String
    public var stringToSign: String
    public var signedHeaders: String
    public var signature: String
    public var authorization: String
  }

  /// The SHA-256 of an empty body, hex.
  public static let emptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

  /// Signs `request` at `timestamp` (`YYYYMMDDTHHMMSSZ`, which must be the request's
  /// `X-Amz-Date` header).
  public func sign(_ request: Request, timestamp: String) -> Signature {
    let date = String(timestamp.prefix(8))
    let scope = "\(date)/\(region)/\(service)/aws4_request"

    // Headers: lower-case names, sorted; values trimmed with inner runs of spaces collapsed.
    var merged: [String: [String]] = [:]
    for (name, value) in request.headers {
      merged[name.lowercased(), default: []].append(Self.trimmedHeaderValue(value))
    }
    let names = merged.keys.sorted()
    let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
    let signedHeaders = names.joined(separator: ";")

    let canonicalRequest = [
      request.method,
      canonicalPath(request.path),
      Self.canonicalQuery(request.query),
      canonicalHeaders,
      signedHeaders,
      request.payloadHash,
    ].joined(separator: "\n")

    let stringToSign = [
      "AWS4-HMAC-SHA256", timestamp, scope,
      Hex.encode(Array(SHA256.hash(data: Array(canonicalRequest.utf8)))),
    ].joined(separator: "\n")

    var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
    for part in [date, region, service, "aws4_request"] {
      key = SymmetricKey(
        data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
    }
    let signature = Hex.encode(
      Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)))
    let authorization =
      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
      + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    return Signature(
      canonicalRequest: canonicalRequest, stringToSign: stringToSign,
      signedHeaders: signedHeaders, signature: signature, authorization: authorization)
  }

  /// The path encoded segment by segment (slashes kept); for ``Flavor/generic``, with dot
  /// segments and empty segments removed first.
  func canonicalPath(_ path: String) -> String {
    var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    if flavor == .generic {
      var kept: [String] = []
      for segment in segments.dropFirst() {
        switch segment {
        case "", ".": continue
        case "..": _ = kept.popLast()
        default: kept.append(segment)
        }
      }
      let trailing =
        path.count > 1 && (path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/.."))
      segments = [""] + kept + (trailing && !kept.isEmpty ? [""] : [])
      if kept.isEmpty { return "/" }
    }
    let encoded = segments.map { Self.percentEncoded($0) }.joined(separator: "/")
    return encoded.isEmpty ? "/" : encoded
  }

  /// Names and values encoded, then sorted by name and, for equal names, by value.
  static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
    query.map { (percentEncoded($0.name), percentEncoded($0.value)) }
      .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
      .map { "\($0.0)=\($0.1)" }
      .joined(separator: "&")
  }

  /// RFC 3986 encoding: every byte but `A–Z a–z 0–9 - . _ ~` as `%XX`, upper-case hex.
  public static func percentEncoded(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    let digits = Array("0123456789ABCDEF".utf8)
    for byte in text.utf8 {
      switch byte {
      case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
        result.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        result.unicodeScalars.append("%")
        result.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
        result.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0x0F)]))
      }
    }
    return result
  }

  /// A header value with leading and trailing spaces removed and inner runs of spaces
  /// (including folded line breaks) collapsed to one.
  static func trimmedHeaderValue(_ value: String) -> String {
    var result = ""
    var pendingSpace = false
    for character in value {
      if character == " " || character == "\t" || character == "\n" || character == "\r\n"
        || character == "\r"
      {
        pendingSpace = !result.isEmpty
      } else {
        if pendingSpace { result.append(" ") }
        pendingSpace = false
        result.append(character)
      }
    }
    return result
  }
}
