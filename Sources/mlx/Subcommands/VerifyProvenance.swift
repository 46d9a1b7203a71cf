import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Checks a signed provenance envelope.
  struct VerifyProvenance: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify-provenance",
      abstract: "Check a signed provenance file (DSSE envelope) against the allowed signers.",
      discussion: """
        Passes when a signature by a key in the trusted ref's allowed signers covers the \
        payload, the payload is an in-toto statement with an SLSA provenance predicate, and, \
        with --artifact, the file's SHA-256 is one of its subjects. Exits 1 otherwise.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(
      help: "The envelope, as `mlx lineage TARGET --format slsa --sign` writes it.",
      completion: .file())
    var file: String

    @Option(
      help: "Also check that this file is one of the statement's subjects.", completion: .file())
    var artifact: String?

    @Option(
      help:
        "Check against this ALLOWED SIGNERS file instead of the repository's trusted policy (no repository needed).",
      completion: .file())
    var allowedSigners: String?

    func run() throws {
      let result: ProvenanceVerification
      if let allowedSigners {
        result = try ProvenanceVerifier.verify(
          envelopeAt: file, shownAs: file,
          allowedSigners: try ProvenanceVerifier.allowedSigners(at: allowedSigners),
          signersSource: allowedSigners, artifact: artifact.map { ($0, $0) })
      } else {
        let workspace = try Workspace.open(at: global.repository, requiringSetup: false)
        result = try workspace.verifyProvenance(at: file, artifact: artifact)
      }
      if output.json {
        try Output.json(result)
      } else {
        for subject in result.subjects {
          print("subject \(subject.name ?? "-")  sha256:\(subject.digest["sha256"] ?? "?")")
        }
        if !result.signers.isEmpty {
          print(
            "signed by \(result.signers.joined(separator: ", ")) (\(result.keys.joined(separator: ", ")))"
          )
        }
        for problem in result.problems { print("FAIL \(problem)") }
        print(result.verified ? "Provenance verified." : "Provenance NOT verified.")
      }
      if !result.verified { throw ExitCode.failure }
    }
  }
}
