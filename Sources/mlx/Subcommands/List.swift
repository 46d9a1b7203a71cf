import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Lists tracked artifacts.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ls",
      abstract: "List tracked files and directories with kind, size and digest.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Limit to these paths.", completion: .file())
    var paths: [String] = []

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let artifacts = try workspace.artifacts(named: paths)
      if output.json {
        try Output.json(["artifacts": artifacts.map(ListedArtifact.init)])
        return
      }
      var rows = [["PATH", "KIND", "SIZE", "FILES", "DIGEST"]]
      for artifact in artifacts {
        let pointer = artifact.pointer
        rows.append([
          workspace.display(artifact.path), pointer.kind.rawValue, ByteCount.format(pointer.size),
          pointer.fileCount.map(String.init) ?? "-", pointer.digest.short,
        ])
      }
      print(Output.table(rows))
    }
  }
}

/// The JSON shape of one `mlx ls` entry.
private struct ListedArtifact: Encodable {
  let path: String
  let pointer: String
  let kind: String
  let size: Int64
  let files: Int?
  let digest: String
  let executable: Bool
  let description: String?

  init(_ artifact: TrackedArtifact) {
    path = artifact.path
    pointer = artifact.pointerPath
    kind = artifact.pointer.kind.rawValue
    size = artifact.pointer.size
    files = artifact.pointer.fileCount
    digest = artifact.pointer.digest.description
    executable = artifact.pointer.isExecutable
    description = artifact.pointer.description
  }
}
