import ArgumentParser
import Foundation
import MLXCore

extension MLXCommand {
  /// Shows and verifies where a model came from, or what used a dataset.
  struct Lineage: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "lineage",
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
    @OptionGroup var quiet: QuietOption

    @Argument(help: "What to trace.")
    var target: String

    @Flag(help: "List what consumed the target instead of what produced it.")
    var downstream = false

    @Option(help: "For NAME#STAGE: the version that held the stage at this time.")
    var at: String?

    @Option(
      help: """
        Output format: text, json, dot, mermaid or slsa (in-toto + SLSA provenance). Default: \
        from the --output name (.svg, .png, .pdf, .dot, .gv: dot; .json: json; .mmd: mermaid), \
        else text.
        """)
    var format: Format?

    @Flag(help: "Same as --format json.")
    var json = false

    @Option(
      help:
        "Write to this file; a .svg/.png/.pdf name is rendered with Graphviz's dot.",
      completion: .file())
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

    /// The format asked for, or the one the output's name implies.
    private var effectiveFormat: Format {
      if json { return .json }
      if let format { return format }
      switch output.flatMap({ $0.split(separator: ".").last }).map({ $0.lowercased() }) {
      case "svg", "png", "pdf", "dot", "gv": return .dot
      case "json": return .json
      case "mmd", "mermaid": return .mermaid
      default: return .text
      }
    }

    func validate() throws {
      if (sign || key != nil) && effectiveFormat != .slsa {
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
      let format = effectiveFormat
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
      if strict && !graph.isVerified {
        if quiet.isOn {
          let count = graph.breaks.count
          StandardError.write(
            "Error: the lineage of \(self.target) has \(count) \(count == 1 ? "break" : "breaks"); "
              + "run without -q to see them\n")
        }
        throw ExitCode.failure
      }
    }

    private func emit(_ text: String) throws {
      guard let output else {
        if quiet.isOn { return }
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        return
      }
      try ReportFile.write(text, to: output)
    }

    private func emitDOT(_ text: String) throws {
      guard let output, let suffix = output.split(separator: ".").last.map({ $0.lowercased() }),
        ["svg", "png", "pdf"].contains(suffix)
      else { return try emit(text) }
      guard try Graphviz.render(text, format: suffix, to: output) else {
        throw LineageError.graphvizMissing(path: output)
      }
    }
  }
}
