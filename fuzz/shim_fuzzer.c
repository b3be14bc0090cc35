// shim_fuzzer.c — libFuzzer target over the C shim (aspire_yaml_parse).
//
// Every input is parsed with the default limits, and every input whose length is odd a second
// time with tight limits (shallow depth, a small alias budget, a small input cap) so that the
// limit paths are explored too. After each parse the returned arrays are walked and every
// invariant the Swift side relies on is checked; a broken invariant aborts (a crash to libFuzzer)
// with a message naming it. ASan/UBSan/LeakSanitizer catch memory errors and leaks.
//
// Invariants checked:
//   - the handle is never NULL (inputs here are far too small to exhaust memory);
//   - non-empty arrays have non-NULL pointers;
//   - root is -1 or a node index; with no errors and at least one node, root is node 0;
//   - every node: kind is scalar/sequence/mapping; style fits the kind; marks are >= 1 and the
//     end is not before the start; a scalar's value range lies inside the pool; a tag is either
//     absent (-1, length 0) or a range inside the pool; a collection's children range lies inside
//     the children array, every child index is < node count, a mapping has an even child count;
//   - the node graph is acyclic (aliases make it a DAG, never a cycle) — only collection children
//     are edges, and a child that is not an alias target always comes after its parent;
//   - scalar values and tags are valid UTF-8;
//   - errors: at most 1000, each with a known code and a NUL-terminated, non-empty message;
//     every error but the last is a duplicate key (the others stop the parse); a duplicate key's
//     first occurrence (other_line/other_column) comes before the second.
//
// Every input is also planned for a split (aspire_yaml_plan_split) and its parts parsed; see
// check_split for what is checked there.
//
// Build: see fuzz/run.sh.
#include "aspire_yaml.h"
#include "aspire_yaml_split.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "shim_fuzzer: invariant broken: " __VA_ARGS__);                            \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

static int utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t w;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) { w = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { w = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { w = 4; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (i + w > n) return 0;
        for (size_t k = 1; k < w; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += w;
    }
    return 1;
}

static int mark_before(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 < c2);
}

/// Iterative three-colour DFS over collection children; aborts on a back edge.
static void check_acyclic(const aspire_yaml_node *nodes, size_t count, const uint32_t *children) {
    if (count == 0) return;
    uint8_t *colour = calloc(count, 1); // 0 new, 1 on the path, 2 done
    size_t *stack = malloc(count * sizeof *stack);  // node index
    uint32_t *next = malloc(count * sizeof *next);  // next child position per stacked node
    if (colour == NULL || stack == NULL || next == NULL) FAIL("fuzzer itself out of memory");
    for (size_t start = 0; start < count; start++) {
        if (colour[start]) continue;
        size_t depth = 0;
        stack[depth] = start;
        next[depth] = 0;
        colour[start] = 1;
        depth++;
        while (depth > 0) {
            size_t n = stack[depth - 1];
            const aspire_yaml_node *node = &nodes[n];
            uint32_t k = next[depth - 1];
            if (node->kind != ASPIRE_YAML_SCALAR && k < node->child_count) {
                next[depth - 1] = k + 1;
                uint32_t child = children[node->first_child + k];
                if (colour[child] == 1) FAIL("cycle: node %zu reaches its ancestor %u", n, child);
                if (colour[child] == 0) {
                    if (depth >= count) FAIL("DFS deeper than the node count");
                    colour[child] = 1;
                    stack[depth] = child;
                    next[depth] = 0;
                    depth++;
                }
            } else {
                colour[n] = 2;
                depth--;
            }
        }
    }
    free(colour);
    free(stack);
    free(next);
}

static void check_doc(const aspire_yaml_doc *doc) {
    size_t node_count = aspire_yaml_node_count(doc);
    size_t child_total = aspire_yaml_children_count(doc);
    size_t pool_size = aspire_yaml_pool_size(doc);
    size_t error_count = aspire_yaml_error_count(doc);
    const aspire_yaml_node *nodes = aspire_yaml_nodes(doc);
    const uint32_t *children = aspire_yaml_children(doc);
    const uint8_t *pool = aspire_yaml_pool(doc);
    const aspire_yaml_error *errors = aspire_yaml_errors(doc);
    int64_t root = aspire_yaml_root(doc);

    if (node_count > 0 && nodes == NULL) FAIL("%zu nodes but a NULL node array", node_count);
    if (child_total > 0 && children == NULL) FAIL("%zu children but a NULL children array", child_total);
    if (pool_size > 0 && pool == NULL) FAIL("pool of %zu bytes but a NULL pool", pool_size);
    if (error_count > 0 && errors == NULL) FAIL("%zu errors but a NULL error array", error_count);

    if (root < -1 || (root >= 0 && (uint64_t)root >= node_count))
        FAIL("root %lld outside [-1, %zu)", (long long)root, node_count);
    if (error_count == 0 && node_count > 0 && root != 0) FAIL("no errors, %zu nodes, but root is %lld", node_count, (long long)root);
    if (error_count == 0 && node_count == 0 && root != -1) FAIL("empty document but root is %lld", (long long)root);

    for (size_t i = 0; i < node_count; i++) {
        const aspire_yaml_node *n = &nodes[i];
        if (n->start_line < 1 || n->start_column < 1 || n->end_line < 1 || n->end_column < 1)
            FAIL("node %zu has a mark below 1: %u:%u-%u:%u", i, n->start_line, n->start_column, n->end_line, n->end_column);
        if (mark_before(n->end_line, n->end_column, n->start_line, n->start_column))
            FAIL("node %zu ends (%u:%u) before it starts (%u:%u)", i, n->end_line, n->end_column, n->start_line,
                 n->start_column);
        if (n->tag_offset == -1) {
            if (n->tag_length != 0) FAIL("node %zu has no tag but tag_length %u", i, n->tag_length);
        } else {
            if (n->tag_offset < 0) FAIL("node %zu has tag_offset %d", i, n->tag_offset);
            if ((uint64_t)n->tag_offset + n->tag_length > pool_size)
                FAIL("node %zu tag range %d+%u past the pool (%zu)", i, n->tag_offset, n->tag_length, pool_size);
            if (n->tag_length == 0) FAIL("node %zu has an empty explicit tag", i);
            if (!utf8_valid(pool + n->tag_offset, n->tag_length)) FAIL("node %zu tag is not valid UTF-8", i);
        }
        switch (n->kind) {
        case ASPIRE_YAML_SCALAR:
            if (n->style < ASPIRE_YAML_STYLE_PLAIN || n->style > ASPIRE_YAML_STYLE_FOLDED)
                FAIL("scalar node %zu has style %d", i, n->style);
            if ((uint64_t)n->value_offset + n->value_length > pool_size)
                FAIL("scalar node %zu value range %u+%u past the pool (%zu)", i, n->value_offset, n->value_length, pool_size);
            if (n->value_length && !utf8_valid(pool + n->value_offset, n->value_length))
                FAIL("scalar node %zu value is not valid UTF-8", i);
            if (n->child_count != 0) FAIL("scalar node %zu has %u children", i, n->child_count);
            break;
        case ASPIRE_YAML_SEQUENCE:
        case ASPIRE_YAML_MAPPING:
            if (n->style != ASPIRE_YAML_STYLE_BLOCK && n->style != ASPIRE_YAML_STYLE_FLOW)
                FAIL("collection node %zu has style %d", i, n->style);
            if ((uint64_t)n->first_child + n->child_count > child_total)
                FAIL("node %zu children range %u+%u past the children array (%zu)", i, n->first_child, n->child_count,
                     child_total);
            if (n->kind == ASPIRE_YAML_MAPPING && n->child_count % 2 != 0)
                FAIL("mapping node %zu has an odd child count %u", i, n->child_count);
            uint32_t flags = 0;
            for (uint32_t k = 0; k < n->child_count; k++) {
                uint32_t c = children[n->first_child + k];
                if (c >= node_count) FAIL("node %zu child %u is %u, past the node count %zu", i, k, c, node_count);
                if (c == i) FAIL("node %zu is its own child", i);
                const aspire_yaml_node *child = &nodes[c];
                if (child->kind != ASPIRE_YAML_SCALAR) {
                    if (child->value_length & ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY) flags |= ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY;
                } else if (n->kind == ASPIRE_YAML_MAPPING && k % 2 == 0 && child->style == ASPIRE_YAML_STYLE_PLAIN &&
                           child->value_length == 2 && (uint64_t)child->value_offset + 2 <= pool_size &&
                           memcmp(pool + child->value_offset, "<<", 2) == 0) {
                    flags |= ASPIRE_YAML_FLAG_MERGE_KEY | ASPIRE_YAML_FLAG_CONTAINS_MERGE_KEY;
                }
            }
            // (A collection still open at a fatal error has neither children nor flags.)
            if (n->value_length != flags)
                FAIL("collection node %zu has flags %u, its children say %u", i, n->value_length, flags);
            break;
        default:
            FAIL("node %zu has kind %d", i, n->kind);
        }
    }
    check_acyclic(nodes, node_count, children);

    if (error_count > 1000) FAIL("%zu errors (cap is 1000)", error_count);
    for (size_t i = 0; i < error_count; i++) {
        const aspire_yaml_error *e = &errors[i];
        if (e->code < ASPIRE_YAML_ERR_SYNTAX || e->code > ASPIRE_YAML_ERR_TOO_LARGE)
            FAIL("error %zu has code %d", i, e->code);
        if (memchr(e->message, '\0', sizeof e->message) == NULL) FAIL("error %zu message is not NUL-terminated", i);
        if (e->message[0] == '\0') FAIL("error %zu has an empty message", i);
        if (i + 1 < error_count && e->code != ASPIRE_YAML_ERR_DUPLICATE_KEY)
            FAIL("error %zu (code %d) is fatal but more errors follow", i, e->code);
        if ((e->line == 0) != (e->column == 0)) FAIL("error %zu has line %u column %u", i, e->line, e->column);
        if (e->code == ASPIRE_YAML_ERR_DUPLICATE_KEY && e->other_line != 0 &&
            !mark_before(e->other_line, e->other_column, e->line, e->column))
            FAIL("duplicate key error %zu: first at %u:%u is not before %u:%u", i, e->other_line, e->other_column,
                 e->line, e->column);
    }
}

/// The split plan (aspire_yaml_split.h) over the same input: cuts sit at line starts in order,
/// each part's first_line is that line's number, and every part parses to a sound document whose
/// marks lie at or below its first line.
static void check_split(const uint8_t *data, size_t size) {
    aspire_yaml_part parts[4];
    uint32_t key_column = 0;
    size_t count = aspire_yaml_plan_split((const char *)data, size, NULL, 4, 1, parts, &key_column);
    if (count < 1 || count > 4) FAIL("plan returned %zu parts", count);
    if (parts[0].offset != 0 || parts[0].first_line != 1 || parts[0].outer_depth != 0) FAIL("part 0 does not start the input");
    if (count > 1 && key_column < 2) FAIL("split key column %u", key_column);
    for (size_t i = 1; i < count; i++) {
        uint64_t at = parts[i].offset;
        if (at <= parts[i - 1].offset || at >= size || data[at - 1] != '\n') FAIL("part %zu starts mid-line", i);
        uint64_t lines = 1;
        for (uint64_t k = 0; k < at; k++) lines += data[k] == '\n';
        if (lines != parts[i].first_line) FAIL("part %zu says line %u, is line %llu", i, parts[i].first_line, (unsigned long long)lines);
        if (parts[i].outer_depth != 1) FAIL("part %zu outer depth %u", i, parts[i].outer_depth);
    }
    for (size_t i = 0; count > 1 && i < count; i++) {
        size_t end = i + 1 < count ? (size_t)parts[i + 1].offset : size;
        aspire_yaml_placement placement = {.first_line = parts[i].first_line, .outer_depth = parts[i].outer_depth};
        aspire_yaml_doc *doc = aspire_yaml_parse_part((const char *)data + parts[i].offset, end - (size_t)parts[i].offset, NULL, &placement);
        if (doc == NULL) FAIL("aspire_yaml_parse_part returned NULL");
        check_doc(doc);
        const aspire_yaml_node *nodes = aspire_yaml_nodes(doc);
        for (size_t n = 0; n < aspire_yaml_node_count(doc); n++)
            if (nodes[n].start_line < parts[i].first_line) FAIL("part %zu node %zu at line %u, before the part", i, n, nodes[n].start_line);
        aspire_yaml_free(doc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_split(data, size);
    aspire_yaml_doc *doc = aspire_yaml_parse((const char *)data, size, NULL);
    if (doc == NULL) FAIL("aspire_yaml_parse returned NULL for %zu bytes", size);
    check_doc(doc);
    aspire_yaml_free(doc);

    if (size & 1) {
        aspire_yaml_limits tight = {.max_depth = 4, .max_alias_expansion = 16, .max_input_bytes = 2048};
        doc = aspire_yaml_parse((const char *)data, size, &tight);
        if (doc == NULL) FAIL("aspire_yaml_parse (tight limits) returned NULL for %zu bytes", size);
        check_doc(doc);
        if (size > 2048 && (aspire_yaml_error_count(doc) != 1 || aspire_yaml_errors(doc)[0].code != ASPIRE_YAML_ERR_TOO_LARGE))
            FAIL("input of %zu bytes past max_input_bytes 2048 was not refused as too large", size);
        aspire_yaml_free(doc);
    }
    return 0;
}
