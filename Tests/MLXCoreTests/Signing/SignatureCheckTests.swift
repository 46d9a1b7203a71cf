import Foundation
import Testing

@testable import MLXCore

@Suite struct SignatureCheckTests {
  @Test func anOpenPGPSignatureIsNeitherCheckedNorAuthorised() {
    // gpg would report whatever user id the key's maker wrote, even a wildcard: mlx never
    // asks it, and no OpenPGP signature grants a principal.
    let armored = "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"
    #expect(
      SignatureVerdict.verify(payload: Array("x".utf8), signature: armored).status == .unverifiable)
    let verdict = SignatureVerdict(status: .valid, format: "openpgp", fingerprint: "ABC")
    let check = SignatureCheck(verdict, allowedSigners: AllowedSigners(), at: Date())
    #expect(check.status == .valid)
    #expect(check.principals.isEmpty)
    let checks = RegistryAuditor.signatureChecks(
      check, tagger: GitIdentity(name: "A", email: "alice@example.com"), required: true,
      governing: [], signers: AllowedSigners())
    #expect(
      checks.contains { !$0.passed && $0.kind == .unauthorised && $0.detail.contains("OpenPGP") })
  }

  @Test func dsseKeyIDsAreSecuresystemslibsDefault() throws {
    // The canonical JSON securesystemslib hashes, for an all-zero key.
    let key = OpenSSHPublicKey(raw: [UInt8](repeating: 0, count: 32))
    let canonical =
      #"{"keytype":"ed25519","keyval":{"public":"\#(String(repeating: "0", count: 64))"},"scheme":"ed25519"}"#
    #expect(
      DSSEEnvelope.keyID(of: key)
        == ObjectID(hashing: Array(canonical.utf8)).description.dropFirst(7).description)
  }
}
