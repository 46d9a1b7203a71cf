import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Compares tracked artifacts between commits.
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show artifacts added, removed or modified between two commits.",
      discussion: """
        With no revision, compares HEAD with the pointer files in the work tree; with one, \
        that revision with the work tree; with two, the first with the second. For a \
        directory, lists the files that changed when both versions' file lists are in the \
        local store.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The older revision (default: HEAD).")
    var from: String?

    @Argument(help: "The newer revision (default: the work tree).")
    var to: String?

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let diff = try workspace.diff(from: from, to: to)
      if output.json {
        try Output.json(diff)
        return
      }
      if diff.entries.isEmpty {
        print("No artifact changes between \(diff.from) and \(diff.to)")
        return
      }
      for entry in diff.entries {
        let sizes = [entry.oldSize, entry.newSize].compactMap { $0.map(ByteCount.format) }
        print(
          "\(entry.change.rawValue): \(workspace.display(entry.path)) (\(sizes.joined(separator: " -> ")))"
        )
        if let files = entry.files {
          let shown = { workspace.display(entry.path + "/" + $0) }
          for path in files.added { print("    added: \(shown(path))") }
          for path in files.modified { print("    modified: \(shown(path))") }
          for path in files.deleted { print("    deleted: \(shown(path))") }
        }
      }
    }
  }
}
