import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's own memory, for tables of a million entries: what is resident, and handing
/// freed heap back to the system once large temporary arrays are gone.
enum ProcessMemory {
    /// glibc's malloc_trim, looked up at run time (Glibc's module map leaves it out).
    static func releaseFreed() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    /// Resident set size from /proc (Linux); 0 where it cannot be read.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
