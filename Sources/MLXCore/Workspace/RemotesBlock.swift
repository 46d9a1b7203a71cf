/// Rewrites the `remotes:` block of a configuration file, leaving every other line (comments
/// included) as the user wrote it.
enum RemotesBlock {
  /// `text` with its top-level `remotes:` block replaced by one listing `remotes` (removed when
  /// there are none; appended when the file had none).
  static func replacing(in text: String, with remotes: [RemoteSpec]) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    var block: [String] = []
    if !remotes.isEmpty {
      block.append("remotes:")
      for remote in remotes {
        block.append("  \(remote.name):")
        if !remote.url.isEmpty { block.append("    url: \(YAMLText.string(remote.url))") }
        if remote.isDefault { block.append("    default: true") }
        for key in RemoteSpec.settingKeys + RemoteSpec.credentialKeys {
          if let value = remote.settings[key] {
            block.append("    \(key): \(YAMLText.string(value))")
          }
        }
      }
    }
    if let start = lines.firstIndex(where: { $0.hasPrefix("remotes:") }) {
      var end = start + 1
      while end < lines.count,
        lines[end].isEmpty || lines[end].first == " " || lines[end].first == "\t"
      {
        end += 1
      }
      while end > start + 1, lines[end - 1].allSatisfy({ $0 == " " || $0 == "\t" }) { end -= 1 }
      lines.replaceSubrange(start..<end, with: block)
    } else {
      lines += block
    }
    return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
  }
}
