// aspire_yaml_split.c — plans cuts of a large YAML file into parts that parse on their own.
//
// The plan reads only lines: the last top-level line must be a plain key with nothing after its
// colon (`resources:`), every later non-blank, non-comment line must be indented, and the lines
// at the smallest of those indents that start like a plain key are the places to cut. What the
// text alone cannot prove (that a cut line is not inside a quoted scalar or a flow collection,
// that no alias crosses a cut) shows up as a parse error in some part, and the caller then
// parses the file whole; see aspire_yaml_split.h.
#include "aspire_yaml_split.h"

#include <string.h>

/// True for the bytes a cut line may start with: a plain key's usual first characters. Quotes,
/// `-`, `?`, `:`, `#`, `&`, `*`, `!`, `[` and `{` are never cut at.
static int split_key_start(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// True when `bytes` hold a line break libyaml counts but this line walk would not (a bare \r,
/// U+0085, U+2028, U+2029), or look like UTF-16/32 (a BOM or a NUL in the first bytes).
static int split_unsafe_text(const uint8_t *s, size_t length) {
    if (length >= 2 && (s[0] == 0xFE || s[0] == 0xFF || s[0] == 0 || s[1] == 0)) return 1;
    for (const uint8_t *p = s, *end = s + length; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
        if (p + 1 == end || p[1] != '\n') return 1;
    for (const uint8_t *p = s, *end = s + length; (p = memchr(p, 0xC2, (size_t)(end - p))) != NULL; p++)
        if (p + 1 < end && p[1] == 0x85) return 1;
    for (const uint8_t *p = s, *end = s + length; (p = memchr(p, 0xE2, (size_t)(end - p))) != NULL; p++)
        if (p + 2 < end && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) return 1;
    return 0;
}

/// One line: [start, end) without its \n (a \r before it stays in), its number, its indent
/// (leading spaces) and whether it is blank or a comment (nothing YAML sees).
typedef struct {
    size_t start, end, next;
    uint64_t number;
    size_t indent;
    int ignorable;
} split_line;

static void split_read_line(const uint8_t *s, size_t length, size_t start, uint64_t number, split_line *line) {
    const uint8_t *newline = memchr(s + start, '\n', length - start);
    line->start = start;
    line->end = newline ? (size_t)(newline - s) : length;
    line->next = newline ? line->end + 1 : length;
    line->number = number;
    size_t i = start;
    while (i < line->end && s[i] == ' ') i++;
    line->indent = i - start;
    while (i < line->end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    line->ignorable = i == line->end || s[i] == '#';
}

/// True for `key:` alone on its line (plain key characters, then only spaces or a comment).
static int split_bare_key_line(const uint8_t *s, const split_line *line) {
    size_t i = line->start;
    if (i >= line->end || !split_key_start(s[i])) return 0;
    while (i < line->end && (split_key_start(s[i]) || s[i] == '-' || s[i] == '.')) i++;
    if (i >= line->end || s[i] != ':') return 0;
    for (i++; i < line->end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'); i++) {}
    return i == line->end || (s[i] == '#' && s[i - 1] != ':');
}

size_t aspire_yaml_plan_split(const char *bytes, size_t length, const aspire_yaml_limits *limits, size_t max_parts,
                              size_t min_part_bytes, aspire_yaml_part *parts, uint32_t *key_column) {
    const uint8_t *s = (const uint8_t *)bytes;
    uint64_t max_input = limits && limits->max_input_bytes ? limits->max_input_bytes : ASPIRE_YAML_DEFAULT_MAX_INPUT_BYTES;
    parts[0] = (aspire_yaml_part){.offset = 0, .first_line = 1, .outer_depth = 0};
    *key_column = 0;
    if (min_part_bytes == 0) min_part_bytes = 1;
    if (s == NULL || max_parts < 2 || length / 2 < min_part_bytes || (uint64_t)length > max_input) return 1;
    if (length > UINT32_MAX || split_unsafe_text(s, length)) return 1;

    // The last top-level line that YAML sees must be `key:`; the split mapping follows it.
    split_line line, last_top = {0};
    int have_top = 0;
    uint64_t number = 1;
    for (size_t at = 0; at < length; at = line.next, number++) {
        split_read_line(s, length, at, number, &line);
        if (line.ignorable || line.indent > 0) continue;
        last_top = line;
        have_top = 1;
    }
    // Not `key:` (a value on the line, `---`, a tab-indented line, ...): nothing to split.
    if (!have_top || !split_bare_key_line(s, &last_top) || last_top.next >= length) return 1;
    size_t region = last_top.next;
    uint64_t region_line = last_top.number + 1;

    // Every line of the region sits at or right of the first entry's indent; cut at entries.
    size_t key_indent = 0, count = 1, first_entry = SIZE_MAX;
    number = region_line;
    for (size_t at = region; at < length; at = line.next, number++) {
        split_read_line(s, length, at, number, &line);
        if (line.ignorable) continue;
        if (key_indent == 0) key_indent = line.indent;
        if (line.indent < key_indent) return 1;
        if (line.indent != key_indent || !split_key_start(s[line.start + line.indent])) continue;
        if (first_entry == SIZE_MAX) {
            first_entry = line.start;
            continue;
        }
        // Cut at the first entry past each equal share of the input, keeping parts big enough.
        size_t target = length / max_parts * count;
        if (line.start < target || line.start - parts[count - 1].offset < min_part_bytes) continue;
        if (length - line.start < min_part_bytes || number > UINT32_MAX) break;
        parts[count++] = (aspire_yaml_part){.offset = line.start, .first_line = (uint32_t)number, .outer_depth = 1};
        if (count == max_parts) break;
    }
    if (count < 2 || key_indent + 1 > UINT32_MAX) return 1;
    *key_column = (uint32_t)(key_indent + 1);
    return count;
}
