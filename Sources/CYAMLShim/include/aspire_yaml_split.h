// aspire_yaml_split.h — where a large YAML file can be cut so its parts parse on several cores.
//
// A manifest is mostly one block mapping (`resources:`) that runs to the end of the file. Its
// entries start on lines of their own, at one indentation, so the text can be cut at such lines
// and each part handed to aspire_yaml_parse_part. The plan is only a guess made on the raw
// text: the caller must check the parsed parts (no errors, part roots are block mappings at the
// entries' column, no key repeated across parts, aliases within the file's budget) and parse the
// whole file the ordinary way when any check fails. The cuts avoid everything a line-based guess
// could get wrong silently (other encodings, line breaks other than \n and \r\n, a region that
// does not run to the end), and a file that seems to use aliases is not cut at all (an alias into
// another part would only cost a second parse); anything else that crosses a cut makes some part
// fail to parse, and the caller's checks reject what parses but is shaped otherwise (the cuts
// fell in an earlier top-level mapping, say).
#ifndef ASPIRE_YAML_SPLIT_H
#define ASPIRE_YAML_SPLIT_H

#include "aspire_yaml.h"

#ifdef __cplusplus
extern "C" {
#endif

/// One part: the bytes from `offset` to the next part's offset (or the end of the input).
typedef struct {
    uint64_t offset;      // byte offset of the part's first line
    uint32_t first_line;  // that line's 1-based number in the whole file
    uint32_t outer_depth; // collections around the part's root in the whole document (0 or 1)
} aspire_yaml_part;

/// Plans up to `max_parts` parts of about equal size, none smaller than `min_part_bytes`.
/// Writes the parts to `parts` (room for `max_parts`) and the 1-based column of the split
/// mapping's keys to `*key_column`. Returns the number of parts; 1 means "parse it whole"
/// (parts[0] then covers the input). Part 0 holds everything up to the first cut: the top-level
/// keys and the split mapping's first entries. `limits` are those the parts will be parsed with
/// (NULL for the defaults): an input over the size limit is never split.
size_t aspire_yaml_plan_split(const char *_Nullable bytes, size_t length, const aspire_yaml_limits *_Nullable limits,
                              size_t max_parts, size_t min_part_bytes, aspire_yaml_part *_Nonnull parts,
                              uint32_t *_Nonnull key_column);

#ifdef __cplusplus
}
#endif

#endif
