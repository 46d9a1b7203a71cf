#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Reads environment variables.
enum Environment {
  static func value(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}
