// SPDX-License-Identifier: MIT
/*
 * Replays fuzz inputs through a libFuzzer target without libFuzzer, so a
 * corpus runs as a regression test in any build (tools/mutate.py uses it).
 *
 *   replay FILE|DIR...	every file, a directory's files in name order
 *
 * Exits 0 when every input ran; a failing input aborts inside the target
 * (its checks call abort()), after "replay: NAME" names it on stderr.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file; NULL (after a message) if it cannot be read. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f) {
		perror(path);
		return NULL;
	}
	do {
		if (n == cap) {
			uint8_t *bigger = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!bigger) {
				free(buf);
				fclose(f);
				fprintf(stderr, "replay: %s: out of memory\n", path);
				return NULL;
			}
			buf = bigger;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return buf;
}

static int replay_file(const char *path)
{
	size_t len;
	uint8_t *data = slurp(path, &len);

	if (!data)
		return 1;
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int regular(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, regular, by_name);
	int bad = 0;

	if (n < 0)
		return replay_file(dir);
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >=
		    (int)sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir, names[i]->d_name);
			bad = 1;
		} else {
			bad |= replay_file(path);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: replay FILE|DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		bad |= replay_dir(argv[i]);
	return bad;
}
