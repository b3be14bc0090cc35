import Foundation

// MARK: - One clear reason instead of an NSError dump

extension StateError {
    /// The errno behind `error`: a POSIX error, or a Foundation file error wrapping one.
    static func posixErrno(of error: any Error) -> Int32? {
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain { return Int32(bridged.code) }
        if let inner = bridged.userInfo[NSUnderlyingErrorKey] as? NSError, inner.domain == NSPOSIXErrorDomain {
            return Int32(inner.code)
        }
        guard bridged.domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: bridged.code) {
        case .fileWriteNoPermission, .fileReadNoPermission: return EACCES
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        default: return nil
        }
    }

    /// `strerror`, lower-cased the way the rest of our messages read ("permission denied").
    static func reason(_ number: Int32) -> String {
        let text = String(cString: strerror(number))
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// What the user can do about the failure, for the errnos that have an answer.
    var hint: String {
        guard let number = errno else { return "" }
        switch number {
        case EACCES, EPERM:
            return
                " (the folder is not writable by this user; run aspire where you can write, or fix the folder's owner or mode)"
        case EROFS:
            return " (the folder is on a read-only file system; run aspire where you can write)"
        case ENOSPC, EDQUOT:
            return " (the disk is full; free some space and try again)"
        default:
            return ""
        }
    }
}
