import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Shows and verifies where a model came from, or what used a dataset.
  struct Lineage: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Trace where a model came from (or, with --downstream, what used some data), checking every link.",
      discussion: """
        TARGET is NAME@vX.Y.Z, NAME#STAGE (or NAME%STAGE), a tracked PATH or PATH@REV, a run \
        id, a sha256: digest, or a commit. Upstream, each link is verified: content re-hashed \
        in the store, the model's digest against the run that wrote it, the run's inputs \
        against its commit, clean-tree runs, and signed, authorised registry tags. Breaks are \
        listed; --strict exits 1 when there are any.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case text, json, dot, mermaid, slsa
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to trace.")
    var target: String

    @Flag(help: "List what consumed the target instead of what produced it.")
    var downstream = false

    @Option(help: "For NAME#STAGE: the version that held the stage at this time.")
    var at: String?

    @Option(help: "Output format: text, json, dot, mermaid or slsa (in-toto + SLSA provenance).")
    var format: Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Option(
      help:
        "Write to this file; with --format dot, a .svg/.png/.pdf name is rendered with Graphviz's dot."
    )
    var output: String?

    @Flag(help: "Exit 1 when the lineage has any break.")
    var strict = false

    @Flag(help: "Check that stored content is present without re-hashing it.")
    var noRehash = false

    @Flag(
      help: "With --format slsa, sign the statement: a DSSE envelope, with the registry's SSH key.")
    var sign = false

    @Option(
      help: "With --sign, the ed25519 key file to sign with (default: Git's user.signingkey).",
      completion: .file())
    var key: String?

    func validate() throws {
      if (sign || key != nil) && format != .slsa {
        throw ValidationError("--sign signs provenance: add --format slsa")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      var options = LineageOptions()
      options.downstream = downstream
      options.at = try at.map(Workspace.parseTime)
      options.rehash = !noRehash
      let target = try workspace.lineageTarget(self.target)
      let format = json ? .json : self.format
      if format == .slsa {
        if sign {
          let envelope = try workspace.signedProvenance(of: target, options: options, key: key)
          try emit(try Output.jsonText(envelope, snakeCase: false))
          if try workspace.allowedPrincipals(of: envelope).isEmpty {
            StandardError.write(
              "mlx: note: the signing key is not in the trusted ref's allowed signers; "
                + "`mlx verify-provenance` will not accept this envelope until it is\n")
          }
        } else {
          try emit(
            try Output.jsonText(
              try workspace.provenance(of: target, options: options), snakeCase: false))
        }
        return
      }
      let graph = try workspace.lineage(of: target, options: options)
      switch format {
      case .json: try emit(try Output.jsonText(graph))
      case .dot: try emitDOT(LineageRenderer.dot(graph))
      case .mermaid: try emit(LineageRenderer.mermaid(graph))
      default:
        try emit(
          LineageRenderer.text(graph, color: output == nil && TerminalProgressBar.isUseful) + "\n")
      }
      if strict && !graph.isVerified { throw ExitCode.failure }
    }

    private func emit(_ text: String) throws {
      guard let output else {
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        return
      }
      try ReportFile.write(text, to: output)
    }

    private func emitDOT(_ text: String) throws {
      guard let output, let suffix = output.split(separator: ".").last.map(String.init),
        ["svg", "png", "pdf"].contains(suffix)
      else { return try emit(text) }
      let rendered = try Graphviz.render(text, format: suffix, to: output)
      if !rendered {
        throw ValidationError(
          "rendering \(output) needs Graphviz's dot (apt-get install graphviz); use --format dot --output lineage.dot instead"
        )
      }
    }
  }
}
