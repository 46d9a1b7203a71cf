import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Manages remotes.
  struct Remote: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add, list, change and remove the remotes that push, fetch and pull use.",
      discussion: """
        Remotes are kept in .mlx/config.yaml, committed so that every clone knows them; with \
        --local, in .mlx/config.local.yaml, for this machine only (a remote there replaces \
        one of the same name). A remote is a directory: a local path or a mounted share, \
        written as an absolute path or a file:// URL. See docs/remotes.md.
        """,
      subcommands: [
        RemoteAdd.self, RemoteList.self, RemoteModify.self, RemoteDefault.self,
        RemoteRemove.self,
      ])
  }

  /// Which configuration file a remote command edits.
  struct RemoteFileOption: ParsableArguments {
    @Flag(help: "Edit .mlx/config.local.yaml (this machine only) instead of .mlx/config.yaml.")
    var local = false
  }

  struct RemoteAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Add a remote.",
      discussion: """
        Push, fetch and pull need the directory to exist: mlx never creates it, so a typo is \
        an error rather than a new, empty remote.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var file: RemoteFileOption
    @Flag(help: "Make it the remote used when -r is not given.")
    var `default` = false
    @Argument(help: "A name: letters, digits, '-', '_' and '.'.")
    var name: String
    @Argument(help: "An absolute directory path or file:// URL.", completion: .directory)
    var url: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.addRemote(name, url: url, makeDefault: `default`, local: file.local)
      print("Added remote \(name) (\(url))\(`default` ? ", the default" : "")")
    }
  }

  struct RemoteList: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the remotes.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let remotes = workspace.remotes
      if output.json {
        try Output.json(remotes)
        return
      }
      if remotes.isEmpty {
        print("No remotes; add one with `mlx remote add NAME DIRECTORY`.")
        return
      }
      let table = Output.table(remotes.map { [$0.name, $0.url, $0.isDefault ? "(default)" : ""] })
      for line in table.split(separator: "\n") {
        var text = String(line)
        while text.hasSuffix(" ") { text.removeLast() }
        print(text)
      }
    }
  }

  struct RemoteModify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "modify", abstract: "Change a remote's URL.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var file: RemoteFileOption
    @Argument(help: "The remote's name.")
    var name: String
    @Argument(help: "The new absolute directory path or file:// URL.", completion: .directory)
    var url: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.modifyRemote(name, url: url, local: file.local)
      print("Remote \(name) is now \(url)")
    }
  }

  struct RemoteDefault: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "default", abstract: "Make a remote the one used when -r is not given.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var file: RemoteFileOption
    @Argument(help: "The remote's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.setDefaultRemote(name, local: file.local)
      print("Remote \(name) is the default")
    }
  }

  struct RemoteRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove a remote from the configuration.",
      discussion: "Its data stays where it is.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var file: RemoteFileOption
    @Argument(help: "The remote's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.removeRemote(name, local: file.local)
      print("Removed remote \(name); its data stays where it is")
    }
  }
}
