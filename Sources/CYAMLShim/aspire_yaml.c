// aspire_yaml.c — folds libyaml's event stream into the flat, C-owned arrays of aspire_yaml.h.
//
// One pass over yaml_parser_parse. Open collections sit on a frame stack; the children of every
// open collection are pushed onto one shared child stack and copied out, contiguously, into the
// document's children array when the collection closes (so a collection's children are always
// one range). Nodes are numbered in document order; aliases add no node, they reuse the anchored
// node's index, so the result is a DAG. Per node we also keep (outside the public arrays) its
// expanded size and height, which is what the alias budget and the depth cap are charged with.
//
// A fatal error stops the parse and leaves a consistent partial tree: every index is in range,
// collections still open have no children yet, and root stays -1 unless the top node closed.
//
// Every static helper is prefixed `shim_`. All libyaml marks become 1-based in shim_location only.
#include "aspire_yaml.h"

#include <yaml.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIM_DEFAULT_MAX_DEPTH ASPIRE_YAML_DEFAULT_MAX_DEPTH
#define SHIM_DEFAULT_MAX_ALIAS_EXPANSION ASPIRE_YAML_DEFAULT_MAX_ALIAS_EXPANSION
#define SHIM_DEFAULT_MAX_INPUT_BYTES ASPIRE_YAML_DEFAULT_MAX_INPUT_BYTES
#define SHIM_MAX_ERRORS 1000u        // duplicate keys past this stop the parse (memory bound)
#define SHIM_MAX_NODES 0xFFFFFFFFu   // node indices and children ranges are uint32
#define SHIM_MAX_POOL 0x7FFFFFFFu    // tag_offset is int32, so the pool stays below 2 GiB
#define SHIM_MAX_TAG 4096u           // longer tags (only reachable via %TAG prefixes) are refused

struct aspire_yaml_doc {
    aspire_yaml_node *nodes;
    size_t node_count, node_cap;
    uint32_t *children;
    size_t child_count, child_cap;
    uint8_t *pool;
    size_t pool_size, pool_cap;
    aspire_yaml_error *errors;
    size_t error_count, error_cap;
    int64_t root;
    uint64_t alias_expansion; // nodes added by all aliases (what the budget was charged)
};

// MARK: - Parse state

/// An open-addressing hash table slot over bytes stored elsewhere (the pool or the anchor arena).
typedef struct {
    uint64_t hash;           // 0 marks an empty slot (real hashes are never 0)
    uint32_t offset, length; // the key bytes
    uint32_t a, b;           // payload: anchors/tags use a; key sets keep the first key's line, column
} shim_slot;

typedef struct {
    shim_slot *slots;
    size_t cap, count; // cap is 0 or a power of two; count <= cap / 2
} shim_table;

/// Per node bookkeeping that Swift never sees.
typedef struct {
    uint64_t size;   // nodes this one expands to (aliases counted as copies); 0 while still open
    uint32_t height; // scalars 0; collections 1 + the highest child
} shim_meta;

#define SHIM_SMALL_KEYS 8u

/// One open collection.
typedef struct {
    uint32_t node;
    int is_mapping;
    size_t child_start; // where its children begin on the child stack
    uint64_t size;      // expanded size so far, itself included
    uint32_t height;
    // Mappings: the scalar keys seen so far. The first SHIM_SMALL_KEYS sit in `small` and are
    // compared directly (most mappings are that small: no table to allocate, nothing to hash);
    // from the next key on, all of them are in the `keys` hash table.
    uint32_t small_count;
    shim_slot small[SHIM_SMALL_KEYS];
    shim_table keys;
    uint32_t flags; // ASPIRE_YAML_FLAG_*, set on the node when it closes
} shim_frame;

typedef struct {
    aspire_yaml_doc *doc;
    const uint8_t *input; // our own copy, alive for the whole parse
    size_t input_length;
    uint32_t max_depth;
    uint64_t max_alias_expansion;
    size_t max_pool;
    uint64_t alias_total; // nodes added by all aliases so far
    shim_meta *meta;
    size_t meta_cap;
    shim_frame *frames;
    size_t frame_count, frame_cap;
    uint32_t *stack; // children of the open collections
    size_t stack_count, stack_cap;
    shim_table anchors; // name (in `names`) -> node index in a
    uint8_t *names;
    size_t names_size, names_cap;
    shim_table tags; // interned tags in the pool; a is unused
    int stop;        // a fatal error has been recorded
    uint64_t first_line; // the 1-based line of the input's first byte (1 unless a part)
} shim_state;

// MARK: - Small helpers

/// Returns `items` with room for `extra` more elements (growing geometrically), or NULL when the
/// size overflows or allocation fails; the old block then stays valid and owned by the caller.
static void *shim_grow(void *items, size_t *cap, size_t count, size_t extra, size_t item_size) {
    if (items != NULL && extra <= *cap - count) return items;
    if (extra > SIZE_MAX / item_size - count) return NULL;
    size_t need = count + extra, new_cap = *cap < 16 ? 16 : *cap;
    while (new_cap < need) new_cap = new_cap > SIZE_MAX / 2 ? need : new_cap * 2;
    if (new_cap > SIZE_MAX / item_size) return NULL;
    void *grown = realloc(items, new_cap * item_size);
    if (grown != NULL) *cap = new_cap;
    return grown;
}

static uint32_t shim_u32(size_t value) { return value > UINT32_MAX ? UINT32_MAX : (uint32_t)value; }

static uint64_t shim_add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/// The one place a libyaml mark (0-based) becomes a 1-based line and column.
/// A part of a larger file (aspire_yaml_parse_part) counts its lines from where it sits in it.
static void shim_location(const shim_state *st, yaml_mark_t mark, uint32_t *line, uint32_t *column) {
    *line = shim_u32((uint64_t)mark.line + st->first_line);
    *column = shim_u32(mark.column + 1);
}

/// A fast non-cryptographic hash (four 64-bit multiply-xorshift lanes); never returns 0, which
/// marks empty table slots. Speed matters: long keys and tags are hashed once per occurrence.
static uint64_t shim_hash(const uint8_t *bytes, size_t length) {
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t lane[4] = {length, k, ~k, length * k}, word;
    size_t i = 0;
    for (; i + 32 <= length; i += 32) {
        for (int j = 0; j < 4; j++) {
            memcpy(&word, bytes + i + 8 * j, 8);
            lane[j] = (lane[j] ^ word) * k;
            lane[j] ^= lane[j] >> 31;
        }
    }
    for (; i < length; i++) lane[i & 3] = (lane[i & 3] ^ bytes[i]) * k;
    uint64_t hash = lane[0] ^ (lane[1] * 3) ^ (lane[2] * 5) ^ (lane[3] * 7);
    hash = (hash ^ (hash >> 33)) * 0xFF51AFD7ED558CCDull;
    hash ^= hash >> 33;
    return hash ? hash : 1;
}

/// Copies `bytes` for a message: at most ~60 bytes cut on a UTF-8 boundary, controls escaped.
static void shim_excerpt(const uint8_t *bytes, size_t length, char *out, size_t out_size) {
    size_t o = 0, i = 0;
    for (; i < length && o + 5 < out_size && i < 60; i++) {
        uint8_t c = bytes[i];
        if (c == '\n' || c == '\t') { out[o++] = '\\'; out[o++] = c == '\n' ? 'n' : 't'; }
        else if (c < 0x20 || c == 0x7f) out[o++] = '?';
        else out[o++] = (char)c;
    }
    if (i < length) {
        while (o > 0 && i > 0 && (bytes[i] & 0xC0) == 0x80) { o--; i--; } // don't split a scalar
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

// MARK: - Errors

/// Records an error. Duplicate keys (non-fatal) are capped at SHIM_MAX_ERRORS; anything else stops
/// the parse. If the error array cannot grow, the last entry is overwritten with ERR_MEMORY.
static void shim_error(shim_state *st, int code, uint32_t line, uint32_t column, uint32_t other_line,
                       uint32_t other_column, const char *format, ...) {
    aspire_yaml_doc *doc = st->doc;
    int fatal = code != ASPIRE_YAML_ERR_DUPLICATE_KEY;
    if (!fatal && doc->error_count + 1 >= SHIM_MAX_ERRORS) {
        code = ASPIRE_YAML_ERR_DUPLICATE_KEY;
        format = "too many duplicate keys; stopped reporting them";
        other_line = other_column = 0;
        fatal = 1;
    }
    aspire_yaml_error *grown = shim_grow(doc->errors, &doc->error_cap, doc->error_count, 1, sizeof *grown);
    if (grown == NULL) { // the document starts with a reserve, so there is a last entry to reuse
        aspire_yaml_error *last = &doc->errors[doc->error_count - 1];
        memset(last, 0, sizeof *last);
        last->code = ASPIRE_YAML_ERR_MEMORY;
        snprintf(last->message, sizeof last->message, "out of memory while recording errors");
        st->stop = 1;
        return;
    }
    doc->errors = grown;
    aspire_yaml_error *e = &doc->errors[doc->error_count++];
    memset(e, 0, sizeof *e);
    e->code = code;
    e->line = line;
    e->column = column;
    e->other_line = other_line;
    e->other_column = other_column;
    va_list args;
    va_start(args, format);
    vsnprintf(e->message, sizeof e->message, format, args);
    va_end(args);
    if (fatal) st->stop = 1;
}

/// A fatal error located at a libyaml mark.
#define shim_fail_at(st, code, mark, ...)                                                          \
    do {                                                                                           \
        uint32_t shim_l_, shim_c_;                                                                 \
        shim_location((st), (mark), &shim_l_, &shim_c_);                                           \
        shim_error((st), (code), shim_l_, shim_c_, 0, 0, __VA_ARGS__);                             \
    } while (0)

static void shim_fail_memory(shim_state *st) { shim_error(st, ASPIRE_YAML_ERR_MEMORY, 0, 0, 0, 0, "out of memory"); }

/// calloc that says no (NULL) when count * item_size overflows.
static void *shim_calloc_checked(size_t count, size_t item_size) {
    if (item_size != 0 && count > SIZE_MAX / item_size) return NULL;
    return calloc(count, item_size);
}

// MARK: - Hash tables

/// Makes room for one more entry (load factor <= 1/2). Returns 0 when allocation fails.
static int shim_table_reserve(shim_table *t) {
    if ((t->count + 1) * 2 <= t->cap) return 1;
    size_t cap = t->cap ? t->cap * 2 : 16;
    shim_slot *slots = shim_calloc_checked(cap, sizeof *slots); // a mapping may have 100,000 keys
    if (slots == NULL) return 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].hash == 0) continue;
        size_t j = (size_t)t->slots[i].hash & (cap - 1);
        while (slots[j].hash != 0) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 1;
}

/// The slot holding `bytes` (stored bytes live at `base`), or the empty slot where they belong;
/// NULL when the table has no slots. Inserting = filling the empty slot and bumping count.
static shim_slot *shim_table_probe(shim_table *t, const uint8_t *base, const uint8_t *bytes, size_t length,
                                   uint64_t hash) {
    if (t->cap == 0) return NULL;
    for (size_t j = (size_t)hash & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
        shim_slot *s = &t->slots[j];
        if (s->hash == 0) return s;
        if (s->hash == hash && s->length == length && memcmp(base + s->offset, bytes, length) == 0) return s;
    }
}

static void shim_table_free(shim_table *t) {
    free(t->slots);
    memset(t, 0, sizeof *t);
}

// MARK: - Pool, tags, anchors

/// Appends bytes to the pool; returns 0 (error recorded) when past the pool limit or out of memory.
static int shim_pool_append(shim_state *st, const void *bytes, size_t length, yaml_mark_t at, uint32_t *offset) {
    aspire_yaml_doc *doc = st->doc;
    if (length > st->max_pool - doc->pool_size) {
        shim_fail_at(st, ASPIRE_YAML_ERR_TOO_LARGE, at, "scalar and tag text exceeds the limit of %zu bytes",
                     st->max_pool);
        return 0;
    }
    uint8_t *pool = shim_grow(doc->pool, &doc->pool_cap, doc->pool_size, length ? length : 1, 1);
    if (pool == NULL) { shim_fail_memory(st); return 0; }
    doc->pool = pool;
    if (length) memcpy(pool + doc->pool_size, bytes, length);
    *offset = (uint32_t)doc->pool_size;
    doc->pool_size += length;
    return 1;
}

/// Stores an explicit tag once per distinct tag (a %TAG prefix could otherwise blow up the pool).
/// Non-specific tags ("!", "?") and absent tags leave tag_offset at -1.
static int shim_set_tag(shim_state *st, aspire_yaml_node *node, const yaml_char_t *tag, yaml_mark_t at) {
    const char *text = (const char *)tag;
    if (text == NULL || strcmp(text, "!") == 0 || strcmp(text, "?") == 0) return 1;
    size_t length = strlen(text);
    if (length > SHIM_MAX_TAG) {
        shim_fail_at(st, ASPIRE_YAML_ERR_TOO_LARGE, at, "tag is longer than %u bytes", SHIM_MAX_TAG);
        return 0;
    }
    uint64_t hash = shim_hash(tag, length);
    if (!shim_table_reserve(&st->tags)) { shim_fail_memory(st); return 0; }
    shim_slot *s = shim_table_probe(&st->tags, st->doc->pool, tag, length, hash);
    if (s->hash == 0) {
        uint32_t offset;
        if (!shim_pool_append(st, tag, length, at, &offset)) return 0;
        *s = (shim_slot){.hash = hash, .offset = offset, .length = (uint32_t)length};
        st->tags.count++;
    }
    node->tag_offset = (int32_t)s->offset;
    node->tag_length = s->length;
    return 1;
}

/// Points `anchor` at `node`; a later definition of the same name replaces the earlier one.
static int shim_define_anchor(shim_state *st, const yaml_char_t *anchor, uint32_t node) {
    if (anchor == NULL) return 1;
    size_t length = strlen((const char *)anchor);
    uint64_t hash = shim_hash(anchor, length);
    if (!shim_table_reserve(&st->anchors)) { shim_fail_memory(st); return 0; }
    shim_slot *s = shim_table_probe(&st->anchors, st->names, anchor, length, hash);
    if (s->hash == 0) {
        if (length > UINT32_MAX - st->names_size) { // offsets are uint32; only past 4 GiB of names
            shim_error(st, ASPIRE_YAML_ERR_TOO_LARGE, 0, 0, 0, 0, "anchor names exceed 4 GiB");
            return 0;
        }
        uint8_t *names = shim_grow(st->names, &st->names_cap, st->names_size, length ? length : 1, 1);
        if (names == NULL) { shim_fail_memory(st); return 0; }
        st->names = names;
        memcpy(names + st->names_size, anchor, length);
        *s = (shim_slot){.hash = hash, .offset = (uint32_t)st->names_size, .length = (uint32_t)length};
        st->names_size += length;
        st->anchors.count++;
    }
    s->a = node;
    return 1;
}

// MARK: - Building the tree

/// Appends a node (marks from the event, tag interned) and its bookkeeping; -1 on failure.
static int64_t shim_new_node(shim_state *st, int kind, int style, const yaml_event_t *ev, const yaml_char_t *tag) {
    aspire_yaml_doc *doc = st->doc;
    if (doc->node_count >= SHIM_MAX_NODES) {
        shim_fail_at(st, ASPIRE_YAML_ERR_TOO_LARGE, ev->start_mark, "the document has too many nodes");
        return -1;
    }
    aspire_yaml_node *nodes = shim_grow(doc->nodes, &doc->node_cap, doc->node_count, 1, sizeof *nodes);
    if (nodes == NULL) { shim_fail_memory(st); return -1; }
    doc->nodes = nodes;
    shim_meta *meta = shim_grow(st->meta, &st->meta_cap, doc->node_count, 1, sizeof *meta);
    if (meta == NULL) { shim_fail_memory(st); return -1; }
    st->meta = meta;

    size_t index = doc->node_count;
    aspire_yaml_node *node = &nodes[index];
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->style = style;
    shim_location(st, ev->start_mark, &node->start_line, &node->start_column);
    shim_location(st, ev->end_mark, &node->end_line, &node->end_column); // collections: fixed at the end event
    node->tag_offset = -1;
    meta[index] = (shim_meta){.size = 0, .height = 0};
    doc->node_count++;
    if (!shim_set_tag(st, node, tag, ev->start_mark)) return -1;
    return (int64_t)index;
}

/// Adds a key (its bytes in the pool) to the open mapping's hash table; 0 (error recorded) when
/// out of memory.
static int shim_table_add_key(shim_state *st, shim_frame *frame, shim_slot key) {
    const uint8_t *pool = st->doc->pool;
    if (!shim_table_reserve(&frame->keys)) { shim_fail_memory(st); return 0; }
    key.hash = shim_hash(pool + key.offset, key.length);
    *shim_table_probe(&frame->keys, pool, pool + key.offset, key.length, key.hash) = key;
    frame->keys.count++;
    return 1;
}

/// The earlier key of the open mapping `frame` with these bytes, or NULL. Moves the small keys
/// into the hash table when the mapping outgrows them (an allocation failure stops the parse).
static const shim_slot *shim_find_key(shim_state *st, shim_frame *frame, const uint8_t *bytes, uint32_t length) {
    const uint8_t *pool = st->doc->pool;
    if (frame->keys.cap == 0) {
        for (uint32_t i = 0; i < frame->small_count; i++) {
            const shim_slot *s = &frame->small[i];
            if (s->length == length && memcmp(pool + s->offset, bytes, length) == 0) return s;
        }
        if (frame->small_count < SHIM_SMALL_KEYS) return NULL;
        for (uint32_t i = 0; i < frame->small_count; i++) {
            if (!shim_table_add_key(st, frame, frame->small[i])) return NULL;
        }
        return NULL; // the small keys were all different from this one
    }
    const shim_slot *s = shim_table_probe(&frame->keys, pool, bytes, length, shim_hash(bytes, length));
    return s != NULL && s->hash != 0 ? s : NULL;
}

/// Reports a duplicate if this scalar key's bytes were already a key of the open mapping `frame`.
static void shim_check_key(shim_state *st, shim_frame *frame, uint32_t node, uint32_t line, uint32_t column) {
    const aspire_yaml_node *key = &st->doc->nodes[node];
    const uint8_t *bytes = st->doc->pool + key->value_offset;
    const shim_slot *s = shim_find_key(st, frame, bytes, key->value_length);
    if (st->stop) return;
    if (s == NULL) {
        shim_slot added = {.offset = key->value_offset, .length = key->value_length, .a = line, .b = column};
        if (frame->keys.cap == 0 && frame->small_count < SHIM_SMALL_KEYS) {
            frame->small[frame->small_count++] = added; // small keys are compared, never hashed
        } else {
            (void)shim_table_add_key(st, frame, added);
        }
        return;
    }
    char excerpt[80];
    shim_excerpt(bytes, key->value_length, excerpt, sizeof excerpt);
    shim_error(st, ASPIRE_YAML_ERR_DUPLICATE_KEY, line, column, s->a, s->b,
               "duplicate key '%s' in mapping (first defined at line %u, column %u)", excerpt, s->a, s->b);
}

/// Makes a finished node (or an alias's target) the next child of the innermost open collection,
/// or the root. (line, column) is where it appears, for duplicate-key reports.
static void shim_attach(shim_state *st, uint32_t node, uint32_t line, uint32_t column) {
    if (st->frame_count == 0) {
        if (st->doc->root < 0) st->doc->root = node;
        return;
    }
    shim_frame *frame = &st->frames[st->frame_count - 1];
    int is_key = frame->is_mapping && (st->stack_count - frame->child_start) % 2 == 0;
    const aspire_yaml_node *child = &st->doc->nodes[node];
    if (is_key && child->kind == ASPIRE_YAML_SCALAR) {
        shim_check_key(st, frame, node, line, column);
        if (st->stop) return;
        if (child->style == ASPIRE_YAML_STYLE_PLAIN && child->value_length == 2 &&
            memcmp(st->doc->pool + child->value_offset, "<<", 2) == 0)
            frame->flags |= ASPIRE_YAML_FLAG_MERGE_KEY | ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY;
    } else if (child->kind != ASPIRE_YAML_SCALAR && (child->value_length & ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY)) {
        frame->flags |= ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY;
    }
    uint32_t *stack = shim_grow(st->stack, &st->stack_cap, st->stack_count, 1, sizeof *stack);
    if (stack == NULL) { shim_fail_memory(st); return; }
    st->stack = stack;
    stack[st->stack_count++] = node;
    frame->size = shim_add_sat(frame->size, st->meta[node].size);
    if (st->meta[node].height + 1 > frame->height) frame->height = st->meta[node].height + 1;
}

// MARK: - Events

static void shim_on_scalar(shim_state *st, const yaml_event_t *ev) {
    int style;
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = ASPIRE_YAML_STYLE_SINGLE_QUOTED; break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = ASPIRE_YAML_STYLE_DOUBLE_QUOTED; break;
    case YAML_LITERAL_SCALAR_STYLE: style = ASPIRE_YAML_STYLE_LITERAL; break;
    case YAML_FOLDED_SCALAR_STYLE: style = ASPIRE_YAML_STYLE_FOLDED; break;
    default: style = ASPIRE_YAML_STYLE_PLAIN; break;
    }
    int64_t index = shim_new_node(st, ASPIRE_YAML_SCALAR, style, ev, ev->data.scalar.tag);
    if (index < 0) return;
    aspire_yaml_node *node = &st->doc->nodes[index];
    uint32_t offset;
    if (!shim_pool_append(st, ev->data.scalar.value, ev->data.scalar.length, ev->start_mark, &offset)) return;
    node->value_offset = offset;
    node->value_length = (uint32_t)ev->data.scalar.length; // < max_pool, checked by the append
    st->meta[index].size = 1;
    if (!shim_define_anchor(st, ev->data.scalar.anchor, (uint32_t)index)) return;
    shim_attach(st, (uint32_t)index, node->start_line, node->start_column);
}

static void shim_on_collection_start(shim_state *st, const yaml_event_t *ev) {
    int is_mapping = ev->type == YAML_MAPPING_START_EVENT;
    if (st->frame_count >= st->max_depth) {
        shim_fail_at(st, ASPIRE_YAML_ERR_DEPTH, ev->start_mark,
                     "collections are nested deeper than the limit of %u", st->max_depth);
        return;
    }
    int flow = is_mapping ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                          : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    int64_t index = shim_new_node(st, is_mapping ? ASPIRE_YAML_MAPPING : ASPIRE_YAML_SEQUENCE,
                                  flow ? ASPIRE_YAML_STYLE_FLOW : ASPIRE_YAML_STYLE_BLOCK, ev,
                                  is_mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
    if (index < 0) return;
    // Defined now, while open (size 0): an alias to it from inside is then reported as recursive.
    if (!shim_define_anchor(st, is_mapping ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor,
                            (uint32_t)index))
        return;
    shim_frame *frames = shim_grow(st->frames, &st->frame_cap, st->frame_count, 1, sizeof *frames);
    if (frames == NULL) { shim_fail_memory(st); return; }
    st->frames = frames;
    frames[st->frame_count++] = (shim_frame){
        .node = (uint32_t)index, .is_mapping = is_mapping, .child_start = st->stack_count, .size = 1, .height = 1};
}

static void shim_on_collection_end(shim_state *st, const yaml_event_t *ev) {
    aspire_yaml_doc *doc = st->doc;
    if (st->frame_count == 0) return; // libyaml never sends an unbalanced end
    shim_frame *frame = &st->frames[st->frame_count - 1];
    size_t count = st->stack_count - frame->child_start;
    if (count > SHIM_MAX_NODES - doc->child_count) {
        shim_fail_at(st, ASPIRE_YAML_ERR_TOO_LARGE, ev->start_mark, "the document has too many collection entries");
        return;
    }
    uint32_t *children = shim_grow(doc->children, &doc->child_cap, doc->child_count, count ? count : 1,
                                   sizeof *children);
    if (children == NULL) { shim_fail_memory(st); return; }
    doc->children = children;
    if (count) memcpy(children + doc->child_count, st->stack + frame->child_start, count * sizeof *children);

    uint32_t index = frame->node;
    aspire_yaml_node *node = &doc->nodes[index];
    node->first_child = (uint32_t)doc->child_count;
    node->child_count = (uint32_t)count;
    node->value_length = frame->flags;
    shim_location(st, ev->end_mark, &node->end_line, &node->end_column);
    doc->child_count += count;
    st->meta[index] = (shim_meta){.size = frame->size, .height = frame->height};
    st->stack_count = frame->child_start;
    shim_table_free(&frame->keys);
    st->frame_count--;
    shim_attach(st, index, node->start_line, node->start_column);
}

static void shim_on_alias(shim_state *st, const yaml_event_t *ev) {
    const yaml_char_t *name = ev->data.alias.anchor;
    size_t length = strlen((const char *)name);
    char excerpt[80];
    shim_excerpt(name, length, excerpt, sizeof excerpt);
    shim_slot *s = shim_table_probe(&st->anchors, st->names, name, length, shim_hash(name, length));
    if (s == NULL || s->hash == 0) {
        shim_fail_at(st, ASPIRE_YAML_ERR_UNKNOWN_ANCHOR, ev->start_mark,
                     "unknown anchor '%s' (no '&%s' appears before this alias)", excerpt, excerpt);
        return;
    }
    uint32_t target = s->a;
    shim_meta meta = st->meta[target];
    if (meta.size == 0) {
        shim_fail_at(st, ASPIRE_YAML_ERR_UNKNOWN_ANCHOR, ev->start_mark,
                     "alias '*%s' refers to a collection that contains it (recursive aliases are not supported)",
                     excerpt);
        return;
    }
    st->alias_total = shim_add_sat(st->alias_total, meta.size);
    if (st->alias_total > st->max_alias_expansion) {
        shim_fail_at(st, ASPIRE_YAML_ERR_ALIAS_BUDGET, ev->start_mark,
                     "aliases expand to more than %llu nodes (at alias '*%s')",
                     (unsigned long long)st->max_alias_expansion, excerpt);
        return;
    }
    if ((uint64_t)st->frame_count + meta.height > st->max_depth) {
        shim_fail_at(st, ASPIRE_YAML_ERR_DEPTH, ev->start_mark,
                     "alias '*%s' nests collections deeper than the limit of %u", excerpt, st->max_depth);
        return;
    }
    uint32_t line, column;
    shim_location(st, ev->start_mark, &line, &column);
    shim_attach(st, target, line, column);
}

// MARK: - Locating libyaml's errors

/// Decodes the character at `pos` leniently (for locating only): its code point, and its width
/// in *width. encoding: 0 UTF-8, 1 UTF-16LE, 2 UTF-16BE (as libyaml picks from the BOM).
static uint32_t shim_decode(const uint8_t *s, size_t length, size_t pos, int encoding, size_t *width) {
    size_t left = length - pos;
    if (encoding != 0) {
        if (left < 2) { *width = left; return 0xFFFD; }
        size_t lo = encoding == 1 ? 0 : 1; // index of the low byte within a code unit
        uint32_t unit = (uint32_t)(s[pos + lo] | s[pos + 1 - lo] << 8);
        *width = 2;
        if (unit >= 0xD800 && unit <= 0xDBFF && left >= 4) {
            uint32_t low = (uint32_t)(s[pos + 2 + lo] | s[pos + 3 - lo] << 8);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                *width = 4;
                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            }
        }
        return unit;
    }
    uint8_t c = s[pos];
    size_t w = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    if (w > left) w = 1;
    uint32_t cp = w == 1 ? c : w == 2 ? (c & 0x1Fu) : w == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < w; i++) {
        if ((s[pos + i] & 0xC0) != 0x80) { w = 1; cp = 0xFFFD; break; }
        cp = cp << 6 | (s[pos + i] & 0x3Fu);
    }
    *width = w;
    return cp;
}

/// Walks our input copy counting as libyaml's marks do (one column per Unicode scalar; a line
/// ends at \n, \r, \r\n, U+0085, U+2028, U+2029; a leading BOM is not counted) and stops at byte
/// `stop_offset` or at the start of 0-based line `stop_line`, whichever comes first. Returns the
/// byte position reached and fills *mark (0-based) for it.
static size_t shim_walk(const shim_state *st, size_t stop_offset, size_t stop_line, yaml_mark_t *mark) {
    const uint8_t *s = st->input;
    size_t length = st->input_length, pos = 0, line = 0, column = 0, width;
    int encoding = 0;
    if (length >= 2 && s[0] == 0xFF && s[1] == 0xFE) { encoding = 1; pos = 2; }
    else if (length >= 2 && s[0] == 0xFE && s[1] == 0xFF) { encoding = 2; pos = 2; }
    else if (length >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) pos = 3;
    while (pos < length) {
        if (pos >= stop_offset || line >= stop_line) break;
        uint32_t c = shim_decode(s, length, pos, encoding, &width);
        pos += width;
        if (c == '\r' && pos < length) {
            size_t next_width;
            if (shim_decode(s, length, pos, encoding, &next_width) == '\n') pos += next_width;
        }
        if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
            line++;
            column = 0;
        } else {
            column++;
        }
    }
    memset(mark, 0, sizeof *mark);
    mark->index = pos;
    mark->line = line;
    mark->column = column;
    return pos;
}

/// True when the scanner error at `mark` is a tab, or sits in a line's leading whitespace that
/// contains one (libyaml then says only "found character that cannot start any token").
static int shim_tab_error(const shim_state *st, yaml_mark_t mark) {
    if (st->input_length >= 2 && (st->input[0] == 0xFF || st->input[0] == 0xFE)) return 0; // UTF-16: no hint
    yaml_mark_t start;
    size_t pos = shim_walk(st, SIZE_MAX, mark.line, &start);
    if (start.line != mark.line) return 0;
    int tab = 0, leading = 1;
    for (size_t column = 0; pos < st->input_length && column <= mark.column; pos++, column++) {
        uint8_t c = st->input[pos];
        if (c >= 0x80) return 0; // only ASCII is needed to answer (and keeps columns == bytes)
        if (column == mark.column) return c == '\t' || (tab && leading);
        if (c == '\t') tab |= leading;
        else if (c != ' ') leading = 0;
    }
    return 0;
}

/// Turns libyaml's error state into one fatal error.
static void shim_libyaml_error(shim_state *st, const yaml_parser_t *parser) {
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->error == YAML_MEMORY_ERROR) {
        shim_fail_memory(st);
    } else if (parser->error == YAML_READER_ERROR) {
        // Only a byte offset comes with reader errors; the bytes before it decoded fine.
        size_t offset = parser->problem_offset;
        if (strstr(problem, "trailing UTF-8") != NULL && offset <= st->input_length) { // point at the lead byte
            while (offset > 0 && (st->input[offset - 1] & 0xC0) == 0x80) offset--;
            if (offset > 0 && st->input[offset - 1] >= 0xC0) offset--;
        }
        yaml_mark_t mark;
        shim_walk(st, offset, SIZE_MAX, &mark);
        if (parser->problem_value < 0)
            shim_fail_at(st, ASPIRE_YAML_ERR_READER, mark, "%s", problem);
        else if (strstr(problem, "octet") != NULL)
            shim_fail_at(st, ASPIRE_YAML_ERR_READER, mark, "invalid UTF-8: %s (byte 0x%02X)", problem,
                         (unsigned)parser->problem_value);
        else
            shim_fail_at(st, ASPIRE_YAML_ERR_READER, mark, "%s (U+%04X)", problem, (unsigned)parser->problem_value);
    } else if (parser->error == YAML_SCANNER_ERROR && shim_tab_error(st, parser->problem_mark)) {
        shim_fail_at(st, ASPIRE_YAML_ERR_SYNTAX, parser->problem_mark,
                     "tab character in indentation; YAML requires spaces here (%s)", problem);
    } else if (parser->context == NULL) {
        shim_fail_at(st, ASPIRE_YAML_ERR_SYNTAX, parser->problem_mark, "%s", problem);
    } else if (parser->context_mark.line == parser->problem_mark.line &&
               parser->context_mark.column == parser->problem_mark.column) {
        shim_fail_at(st, ASPIRE_YAML_ERR_SYNTAX, parser->problem_mark, "%s %s", problem, parser->context);
    } else {
        uint32_t line, column;
        shim_location(st, parser->context_mark, &line, &column);
        shim_fail_at(st, ASPIRE_YAML_ERR_SYNTAX, parser->problem_mark, "%s %s (started at line %u, column %u)",
                     problem, parser->context, line, column);
    }
}

// MARK: - Driver

/// Gives an empty array room for `count` items; keeps it empty on failure.
static void *shim_reserve_big(size_t *cap, size_t count, size_t item_size) {
    if (count > SIZE_MAX / item_size) return NULL;
    void *block = malloc(count * item_size);
    if (block != NULL) *cap = count;
    return block;
}

/// Sizes the big arrays for the input up front (about one node per 8 bytes of YAML, fewer for
/// huge inputs), so they are not copied while growing. Only a hint: on failure they grow as usual.
static void shim_reserve(shim_state *st, size_t length) {
    aspire_yaml_doc *doc = st->doc;
    size_t nodes = length / 8 + 16;
    if (nodes > (1u << 20)) nodes = 1u << 20;
    doc->nodes = shim_reserve_big(&doc->node_cap, nodes, sizeof *doc->nodes);
    st->meta = shim_reserve_big(&st->meta_cap, nodes, sizeof *st->meta);
    doc->children = shim_reserve_big(&doc->child_cap, nodes, sizeof *doc->children);
    size_t pool = length / 2 + 16; // scalar text is usually well under half the input
    if (pool > (16u << 20)) pool = 16u << 20;
    doc->pool = shim_reserve_big(&doc->pool_cap, pool, 1);
}

/// Pulls events until the end of the stream or the first fatal error.
static void shim_run(shim_state *st, yaml_parser_t *parser) {
    int documents = 0, done = 0;
    while (!st->stop && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(parser, &ev)) {
            shim_libyaml_error(st, parser);
            return;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                shim_fail_at(st, ASPIRE_YAML_ERR_MULTIPLE_DOCUMENTS, ev.start_mark,
                             "only one YAML document is allowed per file");
            break;
        case YAML_SCALAR_EVENT: shim_on_scalar(st, &ev); break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: shim_on_collection_start(st, &ev); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: shim_on_collection_end(st, &ev); break;
        case YAML_ALIAS_EVENT: shim_on_alias(st, &ev); break;
        case YAML_STREAM_END_EVENT:
        case YAML_NO_EVENT: done = 1; break;
        default: break; // stream start, document end
        }
        yaml_event_delete(&ev);
    }
}

aspire_yaml_doc *aspire_yaml_parse(const char *bytes, size_t length, const aspire_yaml_limits *limits) {
    return aspire_yaml_parse_part(bytes, length, limits, NULL);
}

aspire_yaml_doc *aspire_yaml_parse_part(const char *bytes, size_t length, const aspire_yaml_limits *limits,
                                        const aspire_yaml_placement *placement) {
    aspire_yaml_doc *doc = calloc(1, sizeof *doc);
    if (doc == NULL) return NULL;
    doc->root = -1;
    doc->error_cap = 4; // a reserve, so an error can always be recorded
    doc->errors = calloc(doc->error_cap, sizeof *doc->errors);
    if (doc->errors == NULL) { free(doc); return NULL; }
    if (bytes == NULL) length = 0;

    shim_state st;
    memset(&st, 0, sizeof st);
    st.doc = doc;
    st.max_depth = limits && limits->max_depth ? limits->max_depth : SHIM_DEFAULT_MAX_DEPTH;
    st.first_line = 1;
    if (placement != NULL) {
        // A part's root sits `outer_depth` collections deep in the whole file; it gets what is left.
        st.max_depth = placement->outer_depth >= st.max_depth ? 0 : st.max_depth - placement->outer_depth;
        st.first_line = placement->first_line ? placement->first_line : 1;
    }
    st.max_alias_expansion =
        limits && limits->max_alias_expansion ? limits->max_alias_expansion : SHIM_DEFAULT_MAX_ALIAS_EXPANSION;
    uint64_t max_input = limits && limits->max_input_bytes ? limits->max_input_bytes : SHIM_DEFAULT_MAX_INPUT_BYTES;
    if ((uint64_t)length > max_input) {
        shim_error(&st, ASPIRE_YAML_ERR_TOO_LARGE, 0, 0, 0, 0, "the input is %zu bytes; the limit is %llu bytes",
                   length, (unsigned long long)max_input);
        return doc;
    }
    // Scalars decode to at most 1.5x their source bytes (\L is 2 bytes in, 3 out); tags are interned.
    st.max_pool = length > (SHIM_MAX_POOL - (1u << 20)) / 3 ? SHIM_MAX_POOL : length * 3 + (1u << 20);

    shim_reserve(&st, length);

    uint8_t *copy = malloc(length ? length : 1);
    yaml_parser_t parser;
    if (copy == NULL || !yaml_parser_initialize(&parser)) {
        free(copy);
        shim_fail_memory(&st);
        return doc;
    }
    if (length) memcpy(copy, bytes, length);
    st.input = copy;
    st.input_length = length;
    yaml_parser_set_input_string(&parser, copy, length);

    shim_run(&st, &parser);
    doc->alias_expansion = st.alias_total;

    yaml_parser_delete(&parser);
    for (size_t i = 0; i < st.frame_count; i++) shim_table_free(&st.frames[i].keys);
    free(st.frames);
    free(st.stack);
    free(st.meta);
    free(st.names);
    shim_table_free(&st.anchors);
    shim_table_free(&st.tags);
    free(copy);
    return doc;
}

// MARK: - Accessors

void aspire_yaml_free(aspire_yaml_doc *doc) {
    if (doc == NULL) return;
    free(doc->nodes);
    free(doc->children);
    free(doc->pool);
    free(doc->errors);
    free(doc);
}

size_t aspire_yaml_node_count(const aspire_yaml_doc *doc) { return doc->node_count; }
int64_t aspire_yaml_root(const aspire_yaml_doc *doc) { return doc->root; }
const aspire_yaml_node *aspire_yaml_nodes(const aspire_yaml_doc *doc) { return doc->nodes; }
size_t aspire_yaml_children_count(const aspire_yaml_doc *doc) { return doc->child_count; }
const uint32_t *aspire_yaml_children(const aspire_yaml_doc *doc) { return doc->children; }
size_t aspire_yaml_pool_size(const aspire_yaml_doc *doc) { return doc->pool_size; }
const uint8_t *aspire_yaml_pool(const aspire_yaml_doc *doc) { return doc->pool; }
size_t aspire_yaml_error_count(const aspire_yaml_doc *doc) { return doc->error_count; }
uint64_t aspire_yaml_alias_expansion(const aspire_yaml_doc *doc) { return doc->alias_expansion; }
const aspire_yaml_error *aspire_yaml_errors(const aspire_yaml_doc *doc) { return doc->errors; }
