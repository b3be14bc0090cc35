// aspire_yaml_emit.h — the C boundary for writing YAML with libyaml's emitter.
//
// Swift drives an opaque emitter handle with a few calls (documents, mappings, sequences,
// scalars); the shim turns them into libyaml events and collects the output in a C-owned
// buffer. `aspire_yaml_emitter_finish` ends the stream and lends that buffer to the caller,
// who copies it before `aspire_yaml_emitter_free`. No libyaml type or pointer crosses this
// header.
//
// Quoting: libyaml picks a style that makes the text parse back to the same characters. Whether
// a plain scalar would read back as a *string* (and not a number, a boolean or null) is the
// caller's decision, passed as `plain_is_string`: when it is 0, libyaml quotes the scalar.
#ifndef ASPIRE_YAML_EMIT_H
#define ASPIRE_YAML_EMIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if !__has_feature(nullability)
#define _Nonnull
#define _Nullable
#endif

/// The style asked for a scalar; libyaml may still choose a safer one (e.g. quote a plain
/// scalar that starts with an indicator, or double-quote a literal that has trailing spaces).
typedef enum {
    ASPIRE_YAML_EMIT_ANY = 0,
    ASPIRE_YAML_EMIT_PLAIN = 1,
    ASPIRE_YAML_EMIT_SINGLE_QUOTED = 2,
    ASPIRE_YAML_EMIT_DOUBLE_QUOTED = 3,
    ASPIRE_YAML_EMIT_LITERAL = 4,
    ASPIRE_YAML_EMIT_FOLDED = 5,
} aspire_yaml_emit_style;

/// One YAML stream being written; opaque so Swift sees only an OpaquePointer.
typedef struct aspire_yaml_emitter aspire_yaml_emitter;

/// Starts a stream (UTF-8, 2-space indent, no line folding). NULL only when memory is exhausted.
aspire_yaml_emitter *_Nullable aspire_yaml_emitter_new(void);

/// Frees the emitter and its output buffer (NULL is allowed).
void aspire_yaml_emitter_free(aspire_yaml_emitter *_Nullable emitter);

// Every call below returns 1 on success and 0 on failure; after a failure the emitter refuses
// further calls and `aspire_yaml_emitter_error` says why.

/// Starts a document; every document after the first is introduced by `---`.
int aspire_yaml_emit_document_start(aspire_yaml_emitter *_Nonnull emitter);
int aspire_yaml_emit_document_end(aspire_yaml_emitter *_Nonnull emitter);

/// `flow` != 0 writes `{a: 1}` / `[a, b]` instead of block style.
int aspire_yaml_emit_mapping_start(aspire_yaml_emitter *_Nonnull emitter, int flow);
int aspire_yaml_emit_mapping_end(aspire_yaml_emitter *_Nonnull emitter);
int aspire_yaml_emit_sequence_start(aspire_yaml_emitter *_Nonnull emitter, int flow);
int aspire_yaml_emit_sequence_end(aspire_yaml_emitter *_Nonnull emitter);

/// Writes `length` bytes of UTF-8 (copied) as one scalar.
/// - `style`: an aspire_yaml_emit_style.
/// - `plain_is_string`: 1 when the text, written plain, still reads as this scalar (a string
///   that does not look like a number/bool/null, or a number/bool written on purpose); 0 makes
///   libyaml quote it.
int aspire_yaml_emit_scalar(aspire_yaml_emitter *_Nonnull emitter, const char *_Nullable value, size_t length,
                            int style, int plain_is_string);

/// Ends the stream and returns the whole output (not NUL-terminated; `*length` bytes). The buffer
/// belongs to the emitter and stays valid until `aspire_yaml_emitter_free`. NULL on failure.
const char *_Nullable aspire_yaml_emitter_finish(aspire_yaml_emitter *_Nonnull emitter, size_t *_Nonnull length);

/// Why the last call failed (NUL-terminated English text), or "" when nothing failed.
const char *_Nonnull aspire_yaml_emitter_error(const aspire_yaml_emitter *_Nonnull emitter);

#ifdef __cplusplus
}
#endif

#endif
