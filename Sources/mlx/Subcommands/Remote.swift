import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Manages remotes.
  struct Remote: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remote",
      abstract: "Add, list, change and remove the remotes that push, fetch and pull use.",
      discussion: """
        Remotes are kept in .mlx/config.yaml, committed so that every clone knows them; with \
        --local, in .mlx/config.local.yaml, for this machine only (settings there add to or \
        override those of the committed remote of the same name, or define a remote of this \
        machine's own; credentials belong there). A remote is a directory (a local path or a mounted share, written as an absolute path or a \
        file:// URL) or an S3-compatible bucket (s3://bucket/prefix). See docs/remotes.md.
        """,
      subcommands: [
        RemoteAdd.self, RemoteList.self, RemoteModify.self, RemoteDefault.self,
        RemoteRemove.self, RemoteKeygen.self,
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
        Push, fetch and pull need the directory or bucket to exist: mlx never creates it, so \
        a typo is an error rather than a new, empty remote. S3 credentials come from the AWS \
        environment variables or profiles, or from `mlx remote modify --local NAME \
        access_key_id ...`; they are never written to the committed file.

        Examples:
          mlx remote add --default shared /mnt/share/mlx
          mlx remote add bucket s3://ml-data/churn --region eu-west-1
          mlx remote add minio s3://ml-data/churn --endpoint http://127.0.0.1:9000
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var file: RemoteFileOption
    @Flag(help: "Make it the remote used when -r is not given.")
    var `default` = false
    @Option(help: "S3: the service's http(s)://host[:port] (omit for AWS).")
    var endpoint: String?
    @Option(help: "S3: the region (default: AWS_REGION, the profile's region, us-east-1).")
    var region: String?
    @Option(help: "S3: 'path' (endpoint/bucket/key) or 'virtual' (bucket.endpoint/key).")
    var addressing: String?
    @Option(help: "S3: the AWS profile whose credentials to use.")
    var profile: String?
    @Option(help: "S3: seconds without an answer before a request is retried (default: 60).")
    var timeout: Int?
    @Flag(help: "Seal every object with a key kept on each machine (see `mlx remote keygen`).")
    var encrypt = false
    @Argument(help: "A name: letters, digits, '-', '_' and '.'.")
    var name: String
    @Argument(
      help: "An absolute directory path, file:// URL or s3://bucket/prefix.",
      completion: .directory)
    var url: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      var settings: [String: String] = [:]
      settings["endpoint"] = endpoint
      settings["region"] = region
      settings["addressing"] = addressing
      settings["profile"] = profile
      settings["timeout"] = timeout.map(String.init)
      if !url.hasPrefix("s3://"), let key = settings.keys.sorted().first {
        throw ValidationError("--\(key) is for s3:// remotes")
      }
      if `encrypt` { settings["encrypt"] = "true" }
      try workspace.addRemote(
        name, url: url, makeDefault: `default`, settings: settings, local: file.local)
      quiet.say("Added remote \(name) (\(url))\(`default` ? ", the default" : "")")
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
      let table = Output.table(
        remotes.map { remote in
          let settings = RemoteSpec.settingKeys.compactMap { key in
            remote.settings[key].map { "\(key)=\($0)" }
          }
          return [
            remote.name, remote.url, remote.isDefault ? "(default)" : "",
            settings.joined(separator: " "),
          ]
        })
      for line in table.split(separator: "\n") {
        var text = String(line)
        while text.hasSuffix(" ") { text.removeLast() }
        print(text)
      }
    }
  }

  struct RemoteModify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "modify", abstract: "Change a remote's URL or one of its settings.",
      discussion: """
        Settings: url, endpoint, region, addressing (path or virtual), profile, timeout \
        (seconds), encrypt (true or false), and, with --local only, access_key_id, \
        secret_access_key, session_token and key_file. `mlx remote modify NAME URL` changes the URL.

        Examples:
          mlx remote modify bucket region eu-central-1
          mlx remote modify --local bucket access_key_id AKIA...
          mlx remote modify bucket --unset endpoint
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var file: RemoteFileOption
    @Option(help: "Remove this setting instead of setting it.")
    var unset: String?
    @Argument(help: "The remote's name.")
    var name: String
    @Argument(help: "SETTING VALUE, or a new URL alone.")
    var words: [String] = []

    func validate() throws {
      switch (unset, words.count) {
      case (nil, 1), (nil, 2), (.some, 0): break
      case (.some, _): throw ValidationError("--unset takes no value")
      default: throw ValidationError("give a URL, or a SETTING and its VALUE")
      }
    }

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      if let unset {
        try workspace.modifyRemote(name, setting: unset, to: nil, local: file.local)
        quiet.say("Removed \(unset) from remote \(name)")
      } else if words.count == 1 {
        try workspace.modifyRemote(name, url: words[0], local: file.local)
        quiet.say("Remote \(name) is now \(words[0])")
      } else {
        try workspace.modifyRemote(name, setting: words[0], to: words[1], local: file.local)
        let shown = RemoteSpec.credentialKeys.contains(words[0]) ? "(hidden)" : words[1]
        quiet.say("Remote \(name): \(words[0]) = \(shown)")
      }
    }
  }

  struct RemoteDefault: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "default", abstract: "Make a remote the one used when -r is not given.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var file: RemoteFileOption
    @Argument(help: "The remote's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.setDefaultRemote(name, local: file.local)
      quiet.say("Remote \(name) is the default")
    }
  }

  struct RemoteKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keygen", abstract: "Make a new key for an encrypted remote.",
      discussion: """
        Writes 256 random bits as 64 hex digits to a file readable by you only (default: \
        .mlx/keys/NAME.key, which Git ignores) and names it as the remote's key_file in \
        .mlx/config.local.yaml. Objects on an encrypted remote are sealed with AES-256-GCM \
        and named by HMAC-SHA-256, so whoever runs the storage learns neither content nor \
        which objects are equal. Keep a copy of the key where your team keeps secrets: \
        without it nobody can read the remote. Other machines name it with `mlx remote \
        modify --local NAME key_file PATH`, or CI with MLX_REMOTE_KEY_NAME.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @Option(name: [.short, .customLong("out")], help: "Where to write the key.")
    var out: String?
    @Argument(help: "The remote's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      let path = try workspace.generateRemoteKey(name, output: out)
      quiet.say("Wrote a new key for remote \(name) to \(path) (mode 600); keep a copy safe")
      if !(workspace.remotes.first { $0.name == name }?.isEncrypted ?? false) {
        quiet.say("Remote \(name) is not encrypted yet: `mlx remote modify \(name) encrypt true`")
      }
    }
  }

  struct RemoteRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove a remote from the configuration.",
      discussion: "Its data stays where it is.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption
    @OptionGroup var file: RemoteFileOption
    @Argument(help: "The remote's name.")
    var name: String

    func run() throws {
      let workspace = try Workspace.open(at: global.repository)
      try workspace.removeRemote(name, local: file.local)
      quiet.say("Removed remote \(name); its data stays where it is")
    }
  }
}
