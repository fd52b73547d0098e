import CSignalProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libsignal-protocol-c's global context (`signal_context`) with the OpenSSL crypto provider and a
/// recursive lock installed.
///
/// Create **one per account** and use it only from that account's actor (or another single isolation
/// domain), together with the account's `SignalEngine`:
/// - the library's reference counts are plain non-atomic integers and its objects are not thread-safe;
/// - the lock the library takes around builder and cipher calls is a property of this context, so one
///   context shared by every account would serialise all accounts' Signal work behind one mutex;
/// - a context costs a few hundred bytes and one mutex, so sharing would save nothing.
///
/// The type is deliberately not `Sendable`: the compiler then keeps it inside the actor that created it.
/// The recursive lock is installed anyway (the library re-takes it while holding it, so a plain mutex
/// would deadlock): it is uncontended in this usage and makes a misuse from a second thread safe rather
/// than corrupting.
///
/// ```swift
/// let context = try SignalContext()
/// let identity = try context.generateIdentityKeyPair()
/// let store = SignalStore(identity: identity, registrationId: try context.generateRegistrationId())
/// let engine = try SignalEngine(store: store, context: context)
/// ```
public final class SignalContext {
    /// The library's `signal_context *`, valid until `deinit`.
    let pointer: OpaquePointer
    /// Heap memory so the mutex never moves (the library holds its address through `user_data`).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Creates a context with the OpenSSL crypto provider and a recursive lock.
    /// - Throws: `SignalError` when the library cannot allocate the context or rejects the provider.
    public init() throws {
        // Everything is built in locals and only assigned once nothing can fail any more: a class
        // initializer that throws after its properties are set would also run deinit.
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)

        var created: OpaquePointer?
        var result = signal_context_create(&created, UnsafeMutableRawPointer(mutex))
        if result >= 0, let created {
            var provider = OpenSSLCryptoProvider.make()
            result = signal_context_set_crypto_provider(created, &provider)
            if result >= 0 {
                result = signal_context_set_locking_functions(
                    created,
                    { userData in _ = pthread_mutex_lock(userData!.assumingMemoryBound(to: pthread_mutex_t.self)) },
                    { userData in _ = pthread_mutex_unlock(userData!.assumingMemoryBound(to: pthread_mutex_t.self)) })
            }
        }
        guard result >= 0, let created else {
            signal_context_destroy(created)
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            throw result < 0 ? SignalError(code: result) : SignalError.outOfMemory
        }
        self.pointer = created
        self.mutex = mutex
    }

    deinit {
        // Everything that used the context (store contexts, ciphers) is gone by now: SignalEngine
        // holds this object strongly and destroys its store context first.
        signal_context_destroy(pointer)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
}
