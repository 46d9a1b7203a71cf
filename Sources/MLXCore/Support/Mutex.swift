#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A plain mutual-exclusion lock for classes that guard their own state.
///
/// `Synchronization.Mutex` owns the value it guards, which does not fit classes whose several
/// fields are guarded together; this is a `pthread_mutex_t` on the heap, freed in `deinit`.
final class Mutex: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}
