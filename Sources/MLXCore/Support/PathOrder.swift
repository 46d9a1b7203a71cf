#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The order mlx sorts paths in everywhere (manifests, listings): by their UTF-8 bytes, as
/// Git sorts tree entries and as `LC_ALL=C sort` does.
enum PathOrder {
  /// Whether `a` sorts before `b`, comparing UTF-8 bytes with `memcmp`.
  static func precedes(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { left in
      b.withUTF8 { right in
        let common = min(left.count, right.count)
        if common > 0 {
          let order = memcmp(left.baseAddress!, right.baseAddress!, common)
          if order != 0 { return order < 0 }
        }
        return left.count < right.count
      }
    }
  }
}
