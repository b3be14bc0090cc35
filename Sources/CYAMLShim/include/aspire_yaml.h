// aspire_yaml.h — the whole C boundary between aspire and libyaml.
//
// One call parses a complete YAML document into C-owned flat arrays:
//   - nodes:    one record per node (kind, style, marks, value/tag ranges, children range)
//   - children: node indices; a sequence's items, or a mapping's key,value,key,value,...
//   - pool:     the bytes of every scalar value and tag (UTF-8, not NUL-terminated)
// Swift reads these arrays through the opaque handle and frees it with aspire_yaml_free.
// No libyaml type or pointer ever crosses this header. All marks are 1-based; columns
// count Unicode scalars, as libyaml does.
#ifndef ASPIRE_YAML_H
#define ASPIRE_YAML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// GCC (used by the C harnesses and bench/) has no __has_feature; treat every feature as absent.
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if !__has_feature(nullability)
#define _Nonnull
#define _Nullable
#endif

typedef enum {
    ASPIRE_YAML_SCALAR = 1,
    ASPIRE_YAML_SEQUENCE = 2,
    ASPIRE_YAML_MAPPING = 3,
} aspire_yaml_kind;

typedef enum {
    ASPIRE_YAML_STYLE_PLAIN = 0,
    ASPIRE_YAML_STYLE_SINGLE_QUOTED = 1,
    ASPIRE_YAML_STYLE_DOUBLE_QUOTED = 2,
    ASPIRE_YAML_STYLE_LITERAL = 3,
    ASPIRE_YAML_STYLE_FOLDED = 4,
    /// For collections: block or flow.
    ASPIRE_YAML_STYLE_BLOCK = 5,
    ASPIRE_YAML_STYLE_FLOW = 6,
} aspire_yaml_style;

/// A collection's flags (in its value_length), so that readers of the common file, which has no
/// YAML merge key (`<<: *defaults`), never look for one.
typedef enum {
    /// A mapping one of whose keys is the plain scalar `<<` (a merge key).
    ASPIRE_YAML_FLAG_MERGE_KEY = 1,
    /// This collection, or one inside it (aliases followed), is a mapping with a merge key.
    ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY = 2,
} aspire_yaml_flag;

/// Error codes; the message text says the rest.
typedef enum {
    ASPIRE_YAML_OK = 0,
    ASPIRE_YAML_ERR_SYNTAX = 1,          // libyaml scanner/parser error
    ASPIRE_YAML_ERR_READER = 2,          // invalid UTF-8, control characters, ...
    ASPIRE_YAML_ERR_DUPLICATE_KEY = 3,   // a mapping key seen twice (located at the second)
    ASPIRE_YAML_ERR_ALIAS_BUDGET = 4,    // aliases expand past the budget (billion laughs)
    ASPIRE_YAML_ERR_DEPTH = 5,           // nesting deeper than the cap
    ASPIRE_YAML_ERR_UNKNOWN_ANCHOR = 6,  // *alias with no matching &anchor
    ASPIRE_YAML_ERR_MULTIPLE_DOCUMENTS = 7,
    ASPIRE_YAML_ERR_MEMORY = 8,
    ASPIRE_YAML_ERR_TOO_LARGE = 9,       // input or node count past hard limits
} aspire_yaml_error_code;

typedef struct {
    int32_t kind;          // aspire_yaml_kind
    int32_t style;         // aspire_yaml_style
    uint32_t start_line;   // 1-based
    uint32_t start_column; // 1-based, in Unicode scalars
    uint32_t end_line;
    uint32_t end_column;
    uint32_t value_offset; // scalars: byte offset of the value in the pool
    uint32_t value_length; // scalars: byte length of the value; collections: ASPIRE_YAML_FLAG_* bits
    int32_t tag_offset;    // -1 when the node has no explicit tag (or non-specific '!')
    uint32_t tag_length;
    uint32_t first_child;  // collections: index into the children array
    uint32_t child_count;  // sequences: items; mappings: 2 * pairs (key, value, key, value, ...)
} aspire_yaml_node;

typedef struct {
    int32_t code;          // aspire_yaml_error_code
    uint32_t line;         // 1-based; 0 when unknown
    uint32_t column;       // 1-based; 0 when unknown
    uint32_t other_line;   // duplicate keys: where the first key was; else 0
    uint32_t other_column;
    char message[256];     // NUL-terminated English text, no location prefix
} aspire_yaml_error;

/// The parse result; opaque so Swift sees only an OpaquePointer.
typedef struct aspire_yaml_doc aspire_yaml_doc;

/// The defaults of aspire_yaml_limits (also what a split file's parts are checked against).
#define ASPIRE_YAML_DEFAULT_MAX_DEPTH 256u
#define ASPIRE_YAML_DEFAULT_MAX_ALIAS_EXPANSION 1000000u
#define ASPIRE_YAML_DEFAULT_MAX_INPUT_BYTES (256u * 1024u * 1024u)

/// Limits; pass zeros to take the defaults.
typedef struct {
    uint32_t max_depth;          // default 256 nested collections
    uint64_t max_alias_expansion; // default: nodes reachable through aliases, summed, <= 1,000,000
    uint64_t max_input_bytes;    // default 256 MiB
} aspire_yaml_limits;

/// Parses `length` bytes (copied by the shim; the caller's buffer may go right after the call).
/// Returns a handle that is never NULL unless memory is exhausted; check aspire_yaml_error_count.
/// An empty document (or only comments) yields node_count 0 and no error.
/// Aliases are resolved to the anchored node's index (the tree becomes a DAG); the budget counts
/// the nodes each alias would add if copied, so a billion-laughs file fails quickly.
/// Parsing stops at the first syntax/reader/budget/depth error; duplicate keys are collected
/// (all of them) and parsing continues.
aspire_yaml_doc *_Nullable aspire_yaml_parse(const char *_Nullable bytes, size_t length,
                                  const aspire_yaml_limits *_Nullable limits);

/// Where a part of a larger file sits in it (see aspire_yaml_split.h): marks count lines from
/// `first_line`, and the depth cap is charged the `outer_depth` collections around the part.
typedef struct {
    uint32_t first_line;  // 1-based line of the part's first byte in the whole file; 0 = 1
    uint32_t outer_depth; // collections that enclose the part's root in the whole document
} aspire_yaml_placement;

/// aspire_yaml_parse for one part of a larger file; a NULL placement is the whole file.
aspire_yaml_doc *_Nullable aspire_yaml_parse_part(const char *_Nullable bytes, size_t length,
                                       const aspire_yaml_limits *_Nullable limits,
                                       const aspire_yaml_placement *_Nullable placement);

void aspire_yaml_free(aspire_yaml_doc *_Nullable doc);

size_t aspire_yaml_node_count(const aspire_yaml_doc *_Nonnull doc);
/// The root node's index, or -1 when the document is empty.
int64_t aspire_yaml_root(const aspire_yaml_doc *_Nonnull doc);
const aspire_yaml_node *_Nullable aspire_yaml_nodes(const aspire_yaml_doc *_Nonnull doc);
size_t aspire_yaml_children_count(const aspire_yaml_doc *_Nonnull doc);
const uint32_t *_Nullable aspire_yaml_children(const aspire_yaml_doc *_Nonnull doc);
size_t aspire_yaml_pool_size(const aspire_yaml_doc *_Nonnull doc);
const uint8_t *_Nullable aspire_yaml_pool(const aspire_yaml_doc *_Nonnull doc);
size_t aspire_yaml_error_count(const aspire_yaml_doc *_Nonnull doc);
const aspire_yaml_error *_Nullable aspire_yaml_errors(const aspire_yaml_doc *_Nonnull doc);
/// Nodes added by all aliases, summed (what the alias budget was charged): parts of one file
/// must stay within the file's budget together.
uint64_t aspire_yaml_alias_expansion(const aspire_yaml_doc *_Nonnull doc);

#ifdef __cplusplus
}
#endif

#endif
