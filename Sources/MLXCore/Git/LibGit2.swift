internal import CGit2

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Initialises libgit2 once per process, lazily and thread-safely.
let libgit2Initialized: Void = { _ = git_libgit2_init() }()

/// Throws a ``GitError`` when a libgit2 call returns a negative code.
///
/// Reads `git_error_last()` here, on the same thread and with nothing in between, because
/// libgit2 keeps the message in thread-local storage.
@discardableResult
func check(_ code: Int32, _ function: StaticString) throws(GitError) -> Int32 {
  guard code < 0 else { return code }
  let message =
    git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } }
    ?? "unknown libgit2 error"
  throw GitError(code: code, function: "\(function)", message: message)
}

/// Calls a libgit2 constructor that returns its object through an out-pointer.
///
/// The caller owns the returned handle and must free it with the matching `git_*_free`.
func makeHandle(
  _ function: StaticString,
  _ body: (inout OpaquePointer?) -> Int32
) throws(GitError) -> OpaquePointer {
  var handle: OpaquePointer?
  try check(body(&handle), function)
  guard let handle else {
    throw GitError(code: -1, function: "\(function)", message: "returned no object")
  }
  return handle
}

/// Runs `body` with `strings` as a borrowed `git_strarray`.
func withStringArray<T, E: Error>(
  _ strings: [String],
  _ body: (inout git_strarray) throws(E) -> T
) throws(E) -> T {
  var pointers = strings.map { strdup($0) }
  defer { pointers.forEach { free($0) } }
  var array = git_strarray(strings: nil, count: pointers.count)
  return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(E) -> T in
    array.strings = buffer.baseAddress
    return try body(&array)
  }
}
