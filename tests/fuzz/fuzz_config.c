/*
 * fuzz_config.c - libFuzzer target for the INI readers: config_load() (sweep
 * configs) and cmp_thresholds_load() (compare's thresholds) on the same
 * bytes.  On success the config is also expanded to JSON (meta.json's
 * "config") and counted; on failure the message must be one line.
 * Seeds: the .conf files in configs/ and tests/data/config-*.
 */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "backend.h"
#include "compare.h"
#include "config.h"
#include "fuzz_common.h"
#include "workloads.h"

static bool backend_exists(const char *name)
{
	return pfn_backend_find(name) != NULL;
}

static const struct config_checks checks = {
	.backend_exists = backend_exists,
	.workload_exists = workload_exists,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sweep_config cfg;
	struct cmp_thresholds th;
	char path[64], err[1024];
	json_t *j = NULL;
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	if (config_load(path, &checks, &cfg, err, sizeof(err)) == 0) {
		if (config_nr_cases(&cfg) == 0)
			abort();
		if (config_to_json(&cfg, &j) == 0) {
			char *s = json_dumps(j, 0);

			free(s);
			json_decref(j);
		}
		config_free(&cfg);
	} else {
		fuzz_check_message(err);
		config_free(&cfg);
	}
	cmp_thresholds_default(&th);
	err[0] = '\0';
	if (cmp_thresholds_load(path, &th, err, sizeof(err)))
		fuzz_check_message(err);
	close(fd);
	return 0;
}
