/*
 * results_meta_load.c - meta_load() (results.h): a meta.json read with a
 * size limit and its head checked before the rest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bounded_read.h"
#include "msg.h"
#include "results.h"

int meta_load(const char *path, json_t **out, char *where, size_t wherelen)
{
	static const struct br_limits lim = { .max_bytes = META_MAX_BYTES, .head_bytes = 4096,
					      .head = br_head_json_object };
	char why[512], *buf = NULL;
	size_t len = 0;
	json_error_t je;
	int ret;

	*out = NULL;
	ret = br_read(path, &lim, &buf, &len, why, sizeof(why));
	if (ret == -EINVAL) {
		/* br_head_text() says "line N: ..." */
		msg_printf(where, wherelen, ":%s", !strncmp(why, "line ", 5) ? why + 5 : why);
		if (strncmp(why, "line ", 5))
			msg_printf(where, wherelen, ":1: %s", why);
		return ret;
	}
	if (ret) {
		msg_printf(where, wherelen, ": %s", why);
		return ret;
	}
	*out = json_loadb(buf, len, 0, &je);
	free(buf);
	if (!*out) {
		msg_printf(where, wherelen, ":%d: %s", je.line, je.text);
		return -EINVAL;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		msg_printf(where, wherelen, ":1: expected a JSON object");
		return -EINVAL;
	}
	return 0;
}
