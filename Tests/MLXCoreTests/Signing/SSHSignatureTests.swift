import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// mlx's SSHSIG against stock ssh-keygen: same bytes (Ed25519 is deterministic) and mutual
/// verification.
@Suite struct SSHSignatureTests {
  @Test func matchesSshKeygenByteForByte() throws {
    try withTemporaryDirectory { directory in
      let keygen = try #require(ProcessRunner.which("ssh-keygen"))
      #expect(
        try ProcessRunner.run(
          keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "a@example.com", "-f", directory("key")],
          in: directory.path
        ).succeeded)
      let payload =
        "object 0000000000000000000000000000000000000000\ntype commit\ntag x\n\nmessage\n"
      try directory.write(payload, to: "payload")
      #expect(
        try ProcessRunner.run(
          keygen, ["-Y", "sign", "-n", "git", "-f", directory("key"), directory("payload")],
          in: directory.path
        ).succeeded)
      let reference = try directory.read("payload.sig")

      let key = try OpenSSHPrivateKey(contentsOf: directory("key"))
      let ours = try SSHSignature(signing: Array(payload.utf8), with: key)
      #expect(ours.armored == reference)

      let parsed = try #require(SSHSignature(armored: reference))
      #expect(parsed.isValid(for: Array(payload.utf8)))
      #expect(!parsed.isValid(for: Array((payload + "x").utf8)))
      #expect(!parsed.isValid(for: Array(payload.utf8), namespace: "file"))
      let publicText = try directory.read("key.pub")
      #expect(OpenSSHPublicKey(openSSHText: publicText) == key.publicKey)
      let fingerprint = try ProcessRunner.run(
        keygen, ["-l", "-f", directory("key.pub")], in: directory.path)
      #expect(fingerprint.stdout.contains(key.publicKey.fingerprint))
    }
  }

  @Test func refusesKeysItCannotOpen() throws {
    try withTemporaryDirectory { directory in
      let keygen = try #require(ProcessRunner.which("ssh-keygen"))
      #expect(
        try ProcessRunner.run(
          keygen, ["-q", "-t", "ed25519", "-N", "secret", "-f", directory("locked")],
          in: directory.path
        ).succeeded)
      #expect(throws: SigningKeyError.encrypted(path: directory("locked"))) {
        try OpenSSHPrivateKey(contentsOf: directory("locked"))
      }
      try directory.write("not a key", to: "junk")
      #expect(throws: SigningKeyError.self) { try OpenSSHPrivateKey(contentsOf: directory("junk")) }
    }
  }

  @Test func allowedSignersHonourNamespacesAndValidity() throws {
    try withTemporaryDirectory { directory in
      let keygen = try #require(ProcessRunner.which("ssh-keygen"))
      #expect(
        try ProcessRunner.run(
          keygen, ["-q", "-t", "ed25519", "-N", "", "-f", directory("k")], in: directory.path
        ).succeeded)
      let key = try OpenSSHPrivateKey(contentsOf: directory("k")).publicKey
      let text = """
        # comment
        alice@example.com,*@ci.example.com namespaces="git" \(key.openSSHText)
        old@example.com valid-before="20200101Z" \(key.openSSHText)
        """
      let signers = try AllowedSigners(parsing: text, path: "allowed_signers")
      let now = Date()
      #expect(signers.principals(for: key, at: now) == ["alice@example.com", "*@ci.example.com"])
      #expect(signers.principals(for: key, namespace: "file", at: now).isEmpty)
      #expect(
        AllowedSigners.matches(
          "bot@ci.example.com", patterns: signers.principals(for: key, at: now)))
      let past = Date(timeIntervalSince1970: 1_500_000_000)
      #expect(signers.principals(for: key, at: past).contains("old@example.com"))
    }
  }
}
