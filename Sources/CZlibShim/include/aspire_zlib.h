#ifndef ASPIRE_ZLIB_H
#define ASPIRE_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/// What `aspire_gunzip` returns.
typedef enum {
    ASPIRE_GUNZIP_OK = 0,
    /// The input is not a complete gzip (or zlib) stream.
    ASPIRE_GUNZIP_MALFORMED = 1,
    /// The output would be larger than the limit: nothing past it is produced.
    ASPIRE_GUNZIP_TOO_LARGE = 2,
    /// Out of memory.
    ASPIRE_GUNZIP_NO_MEMORY = 3,
} aspire_gunzip_status;

/// Inflates a gzip (or zlib) stream of `length` bytes into a buffer that C allocates.
///
/// Stops as soon as the output passes `limit` bytes (a small body that inflates to gigabytes
/// costs at most `limit` bytes of memory). On success `*output` holds `*output_length` bytes;
/// free it with `aspire_gunzip_free`. On any failure `*output` is NULL.
aspire_gunzip_status aspire_gunzip(
    const uint8_t *_Nullable input, size_t length, size_t limit,
    uint8_t *_Nullable *_Nonnull output, size_t *_Nonnull output_length);

/// Frees a buffer `aspire_gunzip` returned (NULL is fine).
void aspire_gunzip_free(uint8_t *_Nullable buffer);

/// Compresses `length` bytes as gzip into a buffer C allocates (for tests and senders);
/// 0 on success, free it with `aspire_gunzip_free`.
int aspire_gzip(
    const uint8_t *_Nullable input, size_t length, uint8_t *_Nullable *_Nonnull output, size_t *_Nonnull output_length);

#endif
