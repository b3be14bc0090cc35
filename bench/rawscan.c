// rawscan.c — the performance floor for parsing YAML: a bare libyaml event scan, no tree.
//
// Reads FILE whole, runs yaml_parser_parse until the end of the stream, counts events, and
// prints the count (plus the parse time on stderr). Whatever aspire's shim costs on top of this
// is the price of building the node tree, checking keys and resolving aliases.
//
// Build:  cc -O2 -Wall -Wextra bench/rawscan.c $(pkg-config --cflags --libs yaml-0.1) -o rawscan
// Usage:  rawscan FILE
#include <yaml.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/// Reads the whole file; returns NULL on failure (after printing why).
static unsigned char *rawscan_read(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, used = 0;
    unsigned char *bytes = malloc(cap);
    while (bytes != NULL) {
        used += fread(bytes + used, 1, cap - used, file);
        if (used < cap) break;
        unsigned char *grown = realloc(bytes, cap * 2);
        if (grown == NULL) {
            free(bytes);
            bytes = NULL;
            break;
        }
        bytes = grown;
        cap *= 2;
    }
    if (bytes == NULL || ferror(file)) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(bytes);
        bytes = NULL;
    }
    fclose(file);
    *length = used;
    return bytes;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    size_t length;
    unsigned char *bytes = rawscan_read(argv[1], &length);
    if (bytes == NULL) return 1;

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "out of memory\n");
        free(bytes);
        return 1;
    }
    yaml_parser_set_input_string(&parser, bytes, length);
    unsigned long long events = 0;
    int status = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%zu:%zu: error: %s\n", argv[1], parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
            status = 1;
            break;
        }
        events++;
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    clock_gettime(CLOCK_MONOTONIC, &end);
    free(bytes);

    double ms = (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6;
    printf("%llu\n", events);
    fprintf(stderr, "%zu bytes, %llu events, %.2f ms\n", length, events, ms);
    return status;
}
