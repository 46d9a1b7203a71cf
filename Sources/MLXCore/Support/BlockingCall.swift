import Dispatch

/// Runs async work from synchronous code and waits for its result.
///
/// mlx's commands are synchronous; the S3 client is async because async-http-client is. The
/// work runs on a detached task while the calling thread waits, so this must not be called
/// from inside a task (every caller in mlx is a command's thread or a Dispatch worker).
enum BlockingCall {
  static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      do {
        box.set(.success(try await operation()))
      } catch {
        box.set(.failure(error))
      }
      done.signal()
    }
    done.wait()
    return try box.get()
  }

  private final class ResultBox<T>: @unchecked Sendable {
    private let lock = Mutex()
    private var result: Result<T, Error>?
    func set(_ value: Result<T, Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
  }
}
