#include "aspire_zlib.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

aspire_gunzip_status aspire_gunzip(
    const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *output_length) {
    *output = NULL;
    *output_length = 0;
    if (input == NULL || length == 0 || length > UINT32_MAX) return ASPIRE_GUNZIP_MALFORMED;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 15 + 32: a gzip or a zlib header, detected automatically.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return ASPIRE_GUNZIP_NO_MEMORY;
    size_t capacity = length * 4 < 64 * 1024 ? 64 * 1024 : length * 4;
    if (capacity > limit + 1) capacity = limit + 1;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        inflateEnd(&stream);
        return ASPIRE_GUNZIP_NO_MEMORY;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    size_t produced = 0;
    aspire_gunzip_status status = ASPIRE_GUNZIP_OK;
    for (;;) {
        if (produced == capacity) {
            if (capacity > limit) {
                status = ASPIRE_GUNZIP_TOO_LARGE;
                break;
            }
            size_t larger = capacity * 2 > limit + 1 ? limit + 1 : capacity * 2;
            uint8_t *grown = realloc(buffer, larger);
            if (grown == NULL) {
                status = ASPIRE_GUNZIP_NO_MEMORY;
                break;
            }
            buffer = grown;
            capacity = larger;
        }
        size_t room = capacity - produced;
        stream.next_out = buffer + produced;
        stream.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        uInt before = stream.avail_out;
        int result = inflate(&stream, Z_NO_FLUSH);
        produced += before - stream.avail_out;
        if (produced > limit) {
            status = ASPIRE_GUNZIP_TOO_LARGE;
            break;
        }
        if (result == Z_STREAM_END) {
            // Trailing bytes after the stream (or a second member) are refused: a body is one stream.
            if (stream.avail_in != 0) status = ASPIRE_GUNZIP_MALFORMED;
            break;
        }
        if (result == Z_OK) continue;
        if (result == Z_BUF_ERROR && stream.avail_out == 0) continue;
        status = result == Z_MEM_ERROR ? ASPIRE_GUNZIP_NO_MEMORY : ASPIRE_GUNZIP_MALFORMED;
        break;
    }
    inflateEnd(&stream);
    if (status != ASPIRE_GUNZIP_OK) {
        free(buffer);
        return status;
    }
    *output = buffer;
    *output_length = produced;
    return ASPIRE_GUNZIP_OK;
}

void aspire_gunzip_free(uint8_t *buffer) { free(buffer); }

int aspire_gzip(const uint8_t *input, size_t length, uint8_t **output, size_t *output_length) {
    *output = NULL;
    *output_length = 0;
    if (length > UINT32_MAX) return -1;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    uLong bound = deflateBound(&stream, (uLong)length) + 32;
    uint8_t *buffer = malloc(bound);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return -1;
    }
    stream.next_in = (Bytef *)(input != NULL ? input : (const uint8_t *)"");
    stream.avail_in = (uInt)length;
    stream.next_out = buffer;
    stream.avail_out = (uInt)bound;
    int result = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        free(buffer);
        return -1;
    }
    *output = buffer;
    *output_length = stream.total_out;
    return 0;
}
