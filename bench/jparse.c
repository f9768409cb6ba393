/*
 * jparse.c - the floor of the supply-chain benchmark (bench/sbom.sh): jansson alone parsing the
 * same SBOM files netreview analyses, each with json_load_file and nothing else, so that the
 * benchmark can say how many times the parse alone netreview's whole analysis takes.
 *
 * usage: jparse FILE...   (or jparse -l LIST: one path a line)
 * Prints one line: "files N bytes B seconds S" (S measured inside the process, around the
 * loads). Exit 1 when a file does not parse. Built by bench/sbom.sh with cc and pkg-config
 * jansson; not part of the product.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse(const char *path, long long *bytes, double *seconds)
{
    json_error_t err;
    struct stat st;
    double t0 = now();
    json_t *doc = json_load_file(path, 0, &err);

    if (doc == NULL) {
        fprintf(stderr, "jparse: %s:%d: %s\n", path, err.line, err.text);
        return 1;
    }
    json_decref(doc);
    *seconds += now() - t0;
    if (stat(path, &st) == 0)
        *bytes += (long long)st.st_size;
    return 0;
}

int main(int argc, char **argv)
{
    long long bytes = 0, files = 0;
    double seconds = 0;
    char line[4096];

    if (argc < 2) {
        fprintf(stderr, "usage: jparse FILE... | jparse -l LIST\n");
        return 2;
    }
    if (strcmp(argv[1], "-l") == 0 && argc == 3) {
        FILE *f = fopen(argv[2], "r");
        if (f == NULL) {
            perror(argv[2]);
            return 2;
        }
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0] == '\0')
                continue;
            if (parse(line, &bytes, &seconds)) {
                fclose(f);
                return 1;
            }
            files++;
        }
        fclose(f);
    } else {
        for (int i = 1; i < argc; i++) {
            if (parse(argv[i], &bytes, &seconds))
                return 1;
            files++;
        }
    }
    printf("files %lld bytes %lld seconds %.6f\n", files, bytes, seconds);
    return 0;
}
