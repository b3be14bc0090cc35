// aspire_yaml_emit.c — libyaml's emitter behind the opaque handle of aspire_yaml_emit.h.
//
// The output handler appends to a growable buffer the handle owns. Each call builds one libyaml
// event and emits it; libyaml destroys the event's content even when emitting fails. The first
// failure is remembered (message copied) and every later call returns 0 at once.
#include "aspire_yaml_emit.h"

#include <yaml.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMIT_MAX_OUTPUT (512u * 1024u * 1024u) // refuse to grow past 512 MiB

struct aspire_yaml_emitter {
    yaml_emitter_t emitter;
    unsigned char *buffer;
    size_t length, capacity;
    int failed;
    int finished;
    char message[256];
};

// MARK: - Output buffer

static int emit_write(void *data, unsigned char *bytes, size_t size) {
    aspire_yaml_emitter *e = data;
    if (size > EMIT_MAX_OUTPUT - e->length) return 0;
    if (e->length + size > e->capacity) {
        size_t capacity = e->capacity ? e->capacity : 4096;
        while (capacity < e->length + size) capacity *= 2;
        unsigned char *grown = realloc(e->buffer, capacity);
        if (!grown) return 0;
        e->buffer = grown;
        e->capacity = capacity;
    }
    memcpy(e->buffer + e->length, bytes, size);
    e->length += size;
    return 1;
}

// MARK: - Errors

static int emit_fail(aspire_yaml_emitter *e, const char *what) {
    e->failed = 1;
    const char *problem = e->emitter.problem ? e->emitter.problem : NULL;
    if (problem) {
        snprintf(e->message, sizeof e->message, "%s: %s", what, problem);
    } else {
        snprintf(e->message, sizeof e->message, "%s", what);
    }
    return 0;
}

/// Emits `event` (which libyaml then owns) or records why not.
static int emit_event(aspire_yaml_emitter *e, yaml_event_t *event, const char *what) {
    if (!yaml_emitter_emit(&e->emitter, event)) return emit_fail(e, what);
    return 1;
}

static int emit_ready(aspire_yaml_emitter *e) {
    if (e->failed) return 0;
    if (e->finished) {
        e->failed = 1;
        snprintf(e->message, sizeof e->message, "the stream is already finished");
        return 0;
    }
    return 1;
}

// MARK: - Lifetime

aspire_yaml_emitter *aspire_yaml_emitter_new(void) {
    aspire_yaml_emitter *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    if (!yaml_emitter_initialize(&e->emitter)) {
        free(e);
        return NULL;
    }
    yaml_emitter_set_output(&e->emitter, emit_write, e);
    yaml_emitter_set_encoding(&e->emitter, YAML_UTF8_ENCODING);
    yaml_emitter_set_unicode(&e->emitter, 1);
    yaml_emitter_set_indent(&e->emitter, 2);
    yaml_emitter_set_width(&e->emitter, -1);
    yaml_emitter_set_break(&e->emitter, YAML_LN_BREAK);

    yaml_event_t event;
    if (!yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)) {
        emit_fail(e, "cannot start the stream");
        return e;
    }
    emit_event(e, &event, "cannot start the stream");
    return e;
}

void aspire_yaml_emitter_free(aspire_yaml_emitter *e) {
    if (!e) return;
    yaml_emitter_delete(&e->emitter);
    free(e->buffer);
    free(e);
}

// MARK: - Events

int aspire_yaml_emit_document_start(aspire_yaml_emitter *e) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    // Implicit: libyaml still writes `---` before every document after the first.
    if (!yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1)) return emit_fail(e, "cannot start a document");
    return emit_event(e, &event, "cannot start a document");
}

int aspire_yaml_emit_document_end(aspire_yaml_emitter *e) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    if (!yaml_document_end_event_initialize(&event, 1)) return emit_fail(e, "cannot end a document");
    return emit_event(e, &event, "cannot end a document");
}

int aspire_yaml_emit_mapping_start(aspire_yaml_emitter *e, int flow) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    if (!yaml_mapping_start_event_initialize(&event, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE))
        return emit_fail(e, "cannot start a mapping");
    return emit_event(e, &event, "cannot start a mapping");
}

int aspire_yaml_emit_mapping_end(aspire_yaml_emitter *e) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    if (!yaml_mapping_end_event_initialize(&event)) return emit_fail(e, "cannot end a mapping");
    return emit_event(e, &event, "cannot end a mapping");
}

int aspire_yaml_emit_sequence_start(aspire_yaml_emitter *e, int flow) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    if (!yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE))
        return emit_fail(e, "cannot start a sequence");
    return emit_event(e, &event, "cannot start a sequence");
}

int aspire_yaml_emit_sequence_end(aspire_yaml_emitter *e) {
    if (!emit_ready(e)) return 0;
    yaml_event_t event;
    if (!yaml_sequence_end_event_initialize(&event)) return emit_fail(e, "cannot end a sequence");
    return emit_event(e, &event, "cannot end a sequence");
}

static yaml_scalar_style_t emit_style(int style) {
    switch (style) {
    case ASPIRE_YAML_EMIT_PLAIN: return YAML_PLAIN_SCALAR_STYLE;
    case ASPIRE_YAML_EMIT_SINGLE_QUOTED: return YAML_SINGLE_QUOTED_SCALAR_STYLE;
    case ASPIRE_YAML_EMIT_DOUBLE_QUOTED: return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    case ASPIRE_YAML_EMIT_LITERAL: return YAML_LITERAL_SCALAR_STYLE;
    case ASPIRE_YAML_EMIT_FOLDED: return YAML_FOLDED_SCALAR_STYLE;
    default: return YAML_ANY_SCALAR_STYLE;
    }
}

int aspire_yaml_emit_scalar(aspire_yaml_emitter *e, const char *value, size_t length, int style, int plain_is_string) {
    if (!emit_ready(e)) return 0;
    if (length > INT_MAX) {
        e->failed = 1;
        snprintf(e->message, sizeof e->message, "a scalar of %zu bytes is too long", length);
        return 0;
    }
    static const char empty[1] = "";
    yaml_event_t event;
    // No tag: `plain_implicit` says whether plain text resolves to what we mean; quoted text is
    // always a string (`quoted_implicit` = 1), so libyaml quotes whenever plain would lie.
    if (!yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)(value ? value : empty), (int)length,
                                      plain_is_string ? 1 : 0, 1, emit_style(style)))
        return emit_fail(e, "cannot write a scalar (invalid UTF-8?)");
    return emit_event(e, &event, "cannot write a scalar");
}

// MARK: - Finishing

const char *aspire_yaml_emitter_finish(aspire_yaml_emitter *e, size_t *length) {
    *length = 0;
    if (!emit_ready(e)) return NULL;
    yaml_event_t event;
    if (!yaml_stream_end_event_initialize(&event)) {
        emit_fail(e, "cannot end the stream");
        return NULL;
    }
    if (!emit_event(e, &event, "cannot end the stream")) return NULL;
    if (!yaml_emitter_flush(&e->emitter)) {
        emit_fail(e, "cannot flush the output");
        return NULL;
    }
    e->finished = 1;
    *length = e->length;
    return e->buffer ? (const char *)e->buffer : "";
}

const char *aspire_yaml_emitter_error(const aspire_yaml_emitter *e) {
    return e->message;
}
