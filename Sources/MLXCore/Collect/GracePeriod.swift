/// How long `mlx gc` leaves new objects alone, so an add, fetch or push under way in another
/// process is never broken: `24h` by default.
public enum GracePeriod {
  public static let defaultSeconds: Int64 = 24 * 3600

  /// Seconds for a duration such as `24h`, `30m`, `90s`, `7d`, `2w`, `1h30m` or `0`; nil for
  /// anything else (a bare number other than 0, an unknown unit, more than 100 years).
  public static func seconds(parsing text: String) -> Int64? {
    if text == "0" { return 0 }
    let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    var total: Int64 = 0
    var digits = ""
    for character in text {
      if character.isASCII, character.isNumber {
        digits.append(character)
      } else if let unit = units[character], !digits.isEmpty, digits.count <= 12,
        let value = Int64(digits)
      {
        total += value * unit
        digits = ""
      } else {
        return nil
      }
    }
    guard digits.isEmpty, !text.isEmpty, total <= 100 * 366 * 86_400 else { return nil }
    return total
  }

  /// The duration as people write it: `24h`, `30m`, `1h30m`, `7d`, `0s`.
  public static func format(_ seconds: Int64) -> String {
    guard seconds > 0 else { return "0s" }
    if seconds % 86_400 == 0, seconds > 86_400 { return "\(seconds / 86_400)d" }
    var text = ""
    var rest = seconds
    for (unit, size) in [("h", Int64(3600)), ("m", 60), ("s", 1)] where rest >= size {
      text += "\(rest / size)\(unit)"
      rest %= size
    }
    return text
  }
}
