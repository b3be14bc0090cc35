// aspire_yaml_split.c — plans cuts of a large YAML file into parts that parse on their own.
//
// The plan reads only a few lines: the first top-level line that is a plain key with nothing
// after its colon (`resources:`) starts the split mapping, the file must end inside it, and the
// lines at the first entry's indent that start like a plain key are the places to cut. What the
// text alone cannot prove (that a cut line is not inside a quoted scalar or a flow collection,
// that no alias crosses a cut, that the lines between cuts belong to the mapping) shows up as a
// parse error in some part, and the caller then parses the file whole; see aspire_yaml_split.h.
#define _GNU_SOURCE // memrchr
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

/// True when the text seems to use an alias (`*name` where a node can start). An alias into an
/// anchor of another part would make that part fail and the whole file be parsed again, so a
/// file that uses aliases (compose-style `<<: *defaults`, say) is parsed whole from the start.
/// A `*` inside a string can look like one too; that only costs the split.
static int split_has_alias(const uint8_t *s, size_t length) {
    for (const uint8_t *p = s, *end = s + length; (p = memchr(p, '*', (size_t)(end - p))) != NULL; p++) {
        uint8_t before = p == s ? ' ' : p[-1], after = p + 1 < end ? p[1] : ' ';
        int starts_node = before == ' ' || before == '\t' || before == '\n' || before == '[' || before == '{' || before == ',';
        if (starts_node && after != ' ' && after != '\t' && after != '\n' && after != '\r') return 1;
    }
    return 0;
}

/// One line: [start, end) without its \n (a \r before it stays in), where the next begins, its
/// indent (leading spaces) and whether it is blank or a comment (nothing YAML sees).
typedef struct {
    size_t start, end, next;
    size_t indent;
    int ignorable;
} split_line;

static void split_read_line(const uint8_t *s, size_t length, size_t start, split_line *line) {
    const uint8_t *newline = memchr(s + start, '\n', length - start);
    line->start = start;
    line->end = newline ? (size_t)(newline - s) : length;
    line->next = newline ? line->end + 1 : length;
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

/// The number of \n in [from, to): vectorizes well, so counting lines up to a cut is cheap.
static uint64_t split_count_lines(const uint8_t *s, size_t from, size_t to) {
    uint64_t count = 0;
    for (size_t i = from; i < to; i++) count += s[i] == '\n';
    return count;
}

size_t aspire_yaml_plan_split(const char *bytes, size_t length, const aspire_yaml_limits *limits, size_t max_parts,
                              size_t min_part_bytes, aspire_yaml_part *parts, uint32_t *key_column) {
    const uint8_t *s = (const uint8_t *)bytes;
    uint64_t max_input = limits && limits->max_input_bytes ? limits->max_input_bytes : ASPIRE_YAML_DEFAULT_MAX_INPUT_BYTES;
    parts[0] = (aspire_yaml_part){.offset = 0, .first_line = 1, .outer_depth = 0};
    *key_column = 0;
    if (min_part_bytes == 0) min_part_bytes = 1;
    if (s == NULL || max_parts < 2 || length / 2 < min_part_bytes || (uint64_t)length > max_input) return 1;
    if (length > UINT32_MAX || split_unsafe_text(s, length) || split_has_alias(s, length)) return 1;

    // The split mapping is the value of the first top-level `key:` with nothing after its colon.
    // A top-level line after the mapping's entries (a later key) ends it: the last line YAML
    // sees must be indented, which is cheap to check from the end. A top-level key between the
    // entries is not looked for: it would make a part fail to parse.
    split_line line;
    size_t line_end = length && s[length - 1] == '\n' ? length - 1 : length;
    for (;;) {
        const uint8_t *newline = line_end ? memrchr(s, '\n', line_end) : NULL;
        size_t start = newline ? (size_t)(newline - s) + 1 : 0;
        split_read_line(s, length, start, &line);
        if (!line.ignorable) break;
        if (start == 0) return 1;
        line_end = start - 1;
    }
    if (line.indent == 0) return 1;
    for (size_t at = 0;; at = line.next) {
        if (at >= length) return 1;
        split_read_line(s, length, at, &line);
        if (line.ignorable || line.indent > 0) continue;
        if (split_bare_key_line(s, &line)) break;
    }
    if (line.next >= length) return 1;

    // The entries' indent is the first region line's; the first entry is never a cut.
    size_t key_indent = 0, first_entry = 0;
    for (size_t at = line.next; at < length && key_indent == 0; at = line.next) {
        split_read_line(s, length, at, &line);
        if (line.ignorable) continue;
        if (line.indent == 0) return 1; // the key has no block mapping under it
        key_indent = line.indent;
        first_entry = line.start;
    }
    if (key_indent == 0 || key_indent + 1 > UINT32_MAX) return 1;

    // Cut at the first entry line past each equal share of the input, keeping parts big enough.
    // What lies between cuts is not read here: anything that does not belong (a dedented line,
    // a quote or bracket left open) makes a part fail to parse, and the file is parsed whole.
    size_t count = 1;
    uint64_t lines_before = 0; // \n before parts[count - 1].offset
    for (size_t share = 1; share < max_parts; share++) {
        size_t from = length / max_parts * share, previous = (size_t)parts[count - 1].offset;
        if (from < previous + min_part_bytes) from = previous + min_part_bytes;
        if (from <= first_entry) from = first_entry + 1;
        if (from >= length) break;
        const uint8_t *newline = memchr(s + from - 1, '\n', length - (from - 1));
        size_t at = newline ? (size_t)(newline - s) + 1 : length;
        while (at < length) {
            split_read_line(s, length, at, &line);
            if (!line.ignorable && line.indent == key_indent && split_key_start(s[line.start + line.indent])) break;
            at = line.next;
        }
        if (at >= length || length - at < min_part_bytes) break;
        lines_before += split_count_lines(s, previous, at);
        if (lines_before + 1 > UINT32_MAX) break;
        parts[count++] = (aspire_yaml_part){.offset = at, .first_line = (uint32_t)(lines_before + 1), .outer_depth = 1};
    }
    if (count < 2) return 1;
    *key_column = (uint32_t)(key_indent + 1);
    return count;
}
