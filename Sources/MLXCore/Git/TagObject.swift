import Crypto
import Foundation

/// The bytes of an annotated tag object as `git tag -a` writes them, built here so they can be
/// signed and judged before ``Repository/createTag(fromBuffer:)`` writes them.
enum TagObject {
  /// The part a signature covers: the headers, an empty line and the message.
  static func payload(
    object: String, type: String = "commit", name: String, tagger: GitIdentity, date: GitDate,
    message: String
  ) -> [UInt8] {
    Array(
      ("object \(object)\ntype \(type)\ntag \(name)\n"
        + "tagger \(tagger.name) <\(tagger.email)> \(date.seconds) \(date.zone)\n\n" + message)
        .utf8)
  }

  /// Git's id of a tag object: SHA-1 of `tag LENGTH\0` and the bytes.
  static func id(of bytes: [UInt8]) -> GitOID {
    var hasher = Insecure.SHA1()
    hasher.update(data: Array("tag \(bytes.count)\u{0}".utf8))
    hasher.update(data: bytes)
    return GitOID(hex: hasher.finalize().map { String(format: "%02x", $0) }.joined())!
  }
}
