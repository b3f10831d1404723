/*
 * placement.c - hwloc topology, thread binding, and NUMA memory placement
 * of emulator memory (see placement.h).
 *
 * A placement_ctx keeps one record per allocation or placed range:
 *
 *   recs[] = { {p, size, kind, touched}, ... }    (under ctx->lock)
 *
 * alloc/free add and drop records; place adds one that is never dropped
 * (the emulator unmaps its own reservations), which is why verification
 * must run before the emulator is destroyed.  Verification samples pages of
 * every record and asks move_pages(2) with nodes == NULL, which reports the
 * node of each present page and moves nothing.
 *
 * Left out: hwloc memory binding (libnuma's mbind is the same system call
 * with fewer layers), interleaving, and automatic NUMA balancing (which could
 * migrate pages after we check; the report says where they were at the end).
 */
#include "placement.h"
#include "msg.h"

#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SAMPLE_PAGES 64
/*
 * Node masks for mbind/set_mempolicy, built here rather than with
 * numa_allocate_nodemask(), which exits the process when out of memory.
 * maxnode is the number of bits + 1, as libnuma passes it.
 */
#define NODEMASK_BITS (PLACEMENT_NODE_MAX + 1)
#define NODEMASK_LONGS ((NODEMASK_BITS + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)))

static void nodemask_one(unsigned long mask[NODEMASK_LONGS], int node)
{
	memset(mask, 0, NODEMASK_LONGS * sizeof(unsigned long));
	mask[node / (8 * sizeof(unsigned long))] = 1UL << (node % (8 * sizeof(unsigned long)));
}
/* Placed ranges are scanned with mincore() for present pages, this far. */
#define SCAN_PAGES_MAX (1UL << 20)


static size_t page_size(void)
{
	static size_t ps;
	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/* --- (a) topology --------------------------------------------------------- */

struct topo {
	hwloc_topology_t h;
	bool synthetic; /* from PFNBENCH_HWLOC_SYNTHETIC or _XML */
};

int topo_open(struct topo **out)
{
	struct topo *t;
	const char *synth = getenv("PFNBENCH_HWLOC_SYNTHETIC");
	const char *xml = getenv("PFNBENCH_HWLOC_XML");
	int ret = -ENOMEM;

	if (!out)
		return -EINVAL;
	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (hwloc_topology_init(&t->h) < 0)
		goto err_free;
	if (synth && *synth) {
		t->synthetic = true;
		if (hwloc_topology_set_synthetic(t->h, synth) < 0) {
			ret = -EINVAL;
			goto err_destroy;
		}
	} else if (xml && *xml) {
		t->synthetic = true;
		if (hwloc_topology_set_xml(t->h, xml) < 0) {
			ret = -EINVAL;
			goto err_destroy;
		}
	}
	if (hwloc_topology_load(t->h) < 0) {
		ret = t->synthetic ? -EINVAL : -ENOMEM;
		goto err_destroy;
	}
	*out = t;
	return 0;

err_destroy:
	hwloc_topology_destroy(t->h);
err_free:
	free(t);
	return ret;
}

void topo_close(struct topo *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->h);
	free(t);
}

bool topo_is_synthetic(const struct topo *t)
{
	return t->synthetic;
}

int topo_nr_nodes(const struct topo *t)
{
	return hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
}

static hwloc_obj_t node_obj(const struct topo *t, int node)
{
	if (node < 0)
		return NULL;
	return hwloc_get_numanode_obj_by_os_index(t->h, (unsigned)node);
}

bool topo_node_exists(const struct topo *t, int node)
{
	return node_obj(t, node) != NULL;
}

int topo_cpus_of_node(const struct topo *t, int node, int *cpus, size_t max_cpus)
{
	hwloc_obj_t obj = node_obj(t, node);
	int n = 0;
	unsigned i;
	if (!obj)
		return -ENODEV;
	hwloc_bitmap_foreach_begin(i, obj->cpuset) {
		if ((size_t)n < max_cpus)
			cpus[n] = (int)i;
		n++;
	}
	hwloc_bitmap_foreach_end();
	return n;
}

/* The largest cache level present (L5 .. L1 data/unified), or NULL. */
static hwloc_obj_t llc_obj(const struct topo *t)
{
	static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
						  HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t->h, levels[i], 0);
		if (o)
			return o;
	}
	return NULL;
}

size_t topo_llc_bytes(const struct topo *t)
{
	hwloc_obj_t o = llc_obj(t);
	return o ? (size_t)o->attr->cache.size : 0;
}

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *topo_summary(const struct topo *t)
{
	int packages = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
	int nodes = topo_nr_nodes(t);
	int cores = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	int pus = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
	hwloc_obj_t llc = llc_obj(t);
	char cache[64];
	char *s = NULL;

	if (llc) {
		unsigned long long b = llc->attr->cache.size;
		if (b >= (1ULL << 20) && b % (1ULL << 20) == 0)
			snprintf(cache, sizeof(cache), "L%u %llu MiB", llc->attr->cache.depth, b >> 20);
		else
			snprintf(cache, sizeof(cache), "L%u %llu KiB", llc->attr->cache.depth, b >> 10);
	} else {
		snprintf(cache, sizeof(cache), "no cache info");
	}
	if (asprintf(&s, "%d %s, %d %s, %d %s, %d %s, %s", packages, plural(packages, "package", "packages"),
		     nodes, plural(nodes, "NUMA node", "NUMA nodes"), cores, plural(cores, "core", "cores"), pus,
		     plural(pus, "PU", "PUs"), cache) < 0)
		return NULL;
	return s;
}

/* "1 node (0)", "2 nodes (0-1)". */
static void describe_nodes(const struct topo *t, char *buf, size_t len)
{
	char list[64];
	int n = topo_nr_nodes(t);
	hwloc_bitmap_list_snprintf(list, sizeof(list), hwloc_topology_get_topology_nodeset(t->h));
	snprintf(buf, len, "%d %s (%s)", n, plural(n, "node", "nodes"), list);
}

/* --- (b) binding ----------------------------------------------------------- */

int topo_bind_thread(struct topo *t, int node, int core, char *why, size_t whylen)
{
	hwloc_obj_t nobj, cobj;
	hwloc_const_cpuset_t set;
	char nodes[96];

	if (t->synthetic || !hwloc_topology_is_thissystem(t->h)) {
		msg_printf(why, whylen, "synthetic topology: not binding");
		return -ENOTSUP;
	}
	nobj = node_obj(t, node);
	if (!nobj) {
		describe_nodes(t, nodes, sizeof(nodes));
		msg_printf(why, whylen, "node %d does not exist, this machine has %s", node, nodes);
		return -ENODEV;
	}
	set = nobj->cpuset;
	if (core >= 0) {
		int nr = hwloc_get_nbobjs_inside_cpuset_by_type(t->h, nobj->cpuset, HWLOC_OBJ_CORE);
		cobj = hwloc_get_obj_inside_cpuset_by_type(t->h, nobj->cpuset, HWLOC_OBJ_CORE, (unsigned)core);
		if (!cobj) {
			msg_printf(why, whylen, "core %d of node %d does not exist, the node has %d %s (0-%d)", core, node,
			    nr, plural(nr, "core", "cores"), nr - 1);
			return -ENODEV;
		}
		set = cobj->cpuset;
	}
	if (hwloc_set_cpubind(t->h, set, HWLOC_CPUBIND_THREAD) < 0) {
		int err = errno;
		msg_printf(why, whylen, "hwloc_set_cpubind: %s", strerror(err));
		return -err;
	}
	return 0;
}

int topo_unbind_thread(struct topo *t)
{
	if (t->synthetic || !hwloc_topology_is_thissystem(t->h))
		return -ENOTSUP;
	if (hwloc_set_cpubind(t->h, hwloc_topology_get_allowed_cpuset(t->h), HWLOC_CPUBIND_THREAD) < 0)
		return -errno;
	return 0;
}

/* --- (c) requests ---------------------------------------------------------- */

/* Keys in format order. */
static const struct {
	const char *key;
	size_t offset;
	int kind; /* enum emu_mem_kind, -1 for cpu */
} req_keys[] = {
	{"pt", offsetof(struct placement_req, pt_node), EMU_MEM_PGTABLE},
	{"memmap", offsetof(struct placement_req, memmap_node), EMU_MEM_MEMMAP},
	{"hmm", offsetof(struct placement_req, hmm_node), EMU_MEM_HMM_ARRAY},
	{"drv", offsetof(struct placement_req, drv_node), EMU_MEM_DRIVER_ARRAY},
	{"cpu", offsetof(struct placement_req, cpu_node), -1},
	{"data", offsetof(struct placement_req, data_node), EMU_MEM_DATA},
};
#define NR_KEYS (sizeof(req_keys) / sizeof(req_keys[0]))

static int *req_field(struct placement_req *req, size_t i)
{
	return (int *)((char *)req + req_keys[i].offset);
}

static int req_get(const struct placement_req *req, size_t i)
{
	return *(const int *)((const char *)req + req_keys[i].offset);
}

int placement_req_node(const struct placement_req *req, enum emu_mem_kind kind)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (req_keys[i].kind >= 0 && req_keys[i].kind == (int)kind)
			return req_get(req, i);
	return -1;
}

bool placement_req_is_local(const struct placement_req *req)
{
	for (size_t i = 0; i < NR_KEYS; i++)
		if (req_get(req, i) != -1)
			return false;
	return true;
}

int placement_req_parse(const char *s, struct placement_req *req, char *why, size_t whylen)
{
	struct placement_req r = PLACEMENT_REQ_LOCAL;
	const char *p = s;

	if (!s || !req) {
		msg_printf(why, whylen, "no placement given");
		return -EINVAL;
	}
	if (!strcmp(s, "local")) {
		*req = r;
		return 0;
	}
	if (!*s) {
		msg_printf(why, whylen, "empty placement (use 'local' or e.g. 'pt=0,hmm=1')");
		return -EINVAL;
	}
	for (;;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		size_t i;
		if (!eq || eq > end) {
			msg_printf(why, whylen, "'%.*s' is not key=node", (int)(end - p), p);
			return -EINVAL;
		}
		for (i = 0; i < NR_KEYS; i++)
			if (strlen(req_keys[i].key) == (size_t)(eq - p) && !strncmp(p, req_keys[i].key, eq - p))
				break;
		if (i == NR_KEYS) {
			msg_printf(why, whylen, "unknown key '%.*s' (keys: pt, memmap, hmm, drv, cpu, data)", (int)(eq - p),
			    p);
			return -EINVAL;
		}
		if (*req_field(&r, i) != -1) {
			msg_printf(why, whylen, "key '%s' given twice", req_keys[i].key);
			return -EINVAL;
		}
		/* A node: decimal digits only, 0 .. PLACEMENT_NODE_MAX. */
		const char *d = eq + 1;
		long v = 0;
		if (d == end) {
			msg_printf(why, whylen, "no node after '%s='", req_keys[i].key);
			return -EINVAL;
		}
		for (; d < end; d++) {
			if (*d < '0' || *d > '9' || v > PLACEMENT_NODE_MAX) {
				msg_printf(why, whylen, "bad node '%.*s' for %s (a number 0-%d)", (int)(end - eq - 1), eq + 1,
				    req_keys[i].key, PLACEMENT_NODE_MAX);
				return -EINVAL;
			}
			v = v * 10 + (*d - '0');
		}
		if (v > PLACEMENT_NODE_MAX) {
			msg_printf(why, whylen, "bad node '%.*s' for %s (a number 0-%d)", (int)(end - eq - 1), eq + 1,
			    req_keys[i].key, PLACEMENT_NODE_MAX);
			return -EINVAL;
		}
		*req_field(&r, i) = (int)v;
		if (!comma)
			break;
		p = comma + 1;
		if (!*p) {
			msg_printf(why, whylen, "trailing ','");
			return -EINVAL;
		}
	}
	*req = r;
	return 0;
}

int placement_req_format(const struct placement_req *req, char *buf, size_t len)
{
	size_t used = 0;
	int n;
	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (placement_req_is_local(req)) {
		n = snprintf(buf, len, "local");
		return (size_t)n < len ? 0 : -ENOSPC;
	}
	for (size_t i = 0; i < NR_KEYS; i++) {
		int node = req_get(req, i);
		if (node == -1)
			continue;
		n = snprintf(buf + used, len - used, "%s%s=%d", used ? "," : "", req_keys[i].key, node);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

int placement_check(const struct topo *t, const struct placement_req *req, char *why, size_t whylen)
{
	char nodes[96];
	for (size_t i = 0; i < NR_KEYS; i++) {
		int node = req_get(req, i);
		if (node == -1 || topo_node_exists(t, node))
			continue;
		describe_nodes(t, nodes, sizeof(nodes));
		msg_printf(why, whylen, "node %d requested for %s, this machine has %s", node, req_keys[i].key, nodes);
		return -ENODEV;
	}
	return 0;
}

/* --- (c) memory ------------------------------------------------------------ */

struct placement_rec {
	void *p;
	size_t size_bytes;       /* whole pages */
	enum emu_mem_kind kind;
	bool ours;               /* mapped by alloc (unmapped by free/destroy) */
};

struct placement_ctx {
	struct placement_req req;
	int mode;                                   /* MPOL_BIND or MPOL_PREFERRED */
	bool has_mask[EMU_MEM_NR_KINDS];            /* false: default policy */
	unsigned long mask[EMU_MEM_NR_KINDS][NODEMASK_LONGS];
	struct emu_mem_ops ops;
	pthread_mutex_t lock;                       /* recs and the error */
	struct placement_rec *recs;
	size_t nr_recs, cap_recs;
	int err;                                    /* last hook error, -errno */
	char why[160];
};

/* Is node a memory node of this machine?  0, -ENODEV or -ENOTSUP. */
static int real_node_check(int node, const char *what, char *why, size_t whylen)
{
	if (numa_available() < 0) {
		msg_printf(why, whylen, "node %d requested for %s, but this kernel has no NUMA support", node, what);
		return -ENOTSUP;
	}
	if (node > numa_max_node() || !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node)) {
		/* The memory nodes we may use, as a list like "0" or "0-1,3". */
		char list[64] = "";
		size_t used = 0;
		int n = 0, max = numa_max_node();
		for (int i = 0; i <= max; i++) {
			if (!numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)i))
				continue;
			int j = i;
			while (j < max && numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)j + 1))
				j++;
			n += j - i + 1;
			if (used < sizeof(list))
				used += (size_t)(j > i ? snprintf(list + used, sizeof(list) - used, "%s%d-%d",
								  used ? "," : "", i, j)
						       : snprintf(list + used, sizeof(list) - used, "%s%d",
								  used ? "," : "", i));
			i = j;
		}
		msg_printf(why, whylen, "node %d requested for %s, this machine has %d %s (%s)", node, what, n,
		    plural(n, "node", "nodes"), list);
		return -ENODEV;
	}
	return 0;
}

static int ctx_record(struct placement_ctx *ctx, void *p, size_t size, enum emu_mem_kind kind, bool ours)
{
	if (ctx->nr_recs == ctx->cap_recs) {
		size_t cap = ctx->cap_recs ? 2 * ctx->cap_recs : 64;
		struct placement_rec *r = realloc(ctx->recs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		ctx->recs = r;
		ctx->cap_recs = cap;
	}
	ctx->recs[ctx->nr_recs++] = (struct placement_rec){.p = p, .size_bytes = size, .kind = kind, .ours = ours};
	return 0;
}

static void ctx_fail(struct placement_ctx *ctx, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ctx_fail(struct placement_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	ctx->err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->why, sizeof(ctx->why), fmt, ap);
	va_end(ap);
}

static long ctx_mbind(struct placement_ctx *ctx, void *p, size_t len, enum emu_mem_kind kind)
{
	if (!ctx->has_mask[kind])
		return 0;
	return mbind(p, len, ctx->mode, ctx->mask[kind], NODEMASK_BITS + 1, 0);
}

static void *hook_alloc(void *vctx, size_t size_bytes, enum emu_mem_kind kind)
{
	struct placement_ctx *ctx = vctx;
	size_t ps = page_size();
	size_t len = (size_bytes + ps - 1) & ~(ps - 1);
	void *p;

	if ((unsigned)kind >= EMU_MEM_NR_KINDS || !len)
		return NULL;
	p = emu_mem_map(len, kind); /* page tables: 2 MiB aligned, MADV_HUGEPAGE (mm.h) */
	pthread_mutex_lock(&ctx->lock);
	if (!p) {
		ctx_fail(ctx, -errno, "mmap of %zu bytes: %s", len, strerror(errno));
		goto err_unlock;
	}
	/* Policy before the first touch: the touch below allocates per it. */
	if (ctx_mbind(ctx, p, len, kind) < 0) {
		ctx_fail(ctx, -errno, "mbind to node %d: %s", placement_req_node(&ctx->req, kind), strerror(errno));
		goto err_unmap;
	}
	if (ctx_record(ctx, p, len, kind, true) < 0) {
		ctx_fail(ctx, -ENOMEM, "out of memory for allocation records");
		goto err_unmap;
	}
	pthread_mutex_unlock(&ctx->lock);
	for (size_t off = 0; off < len; off += ps)
		((volatile char *)p)[off] = 0;
	return p;

err_unmap:
	munmap(p, len);
err_unlock:
	pthread_mutex_unlock(&ctx->lock);
	return NULL;
}

static void hook_free(void *vctx, void *p, size_t size_bytes, enum emu_mem_kind kind)
{
	struct placement_ctx *ctx = vctx;
	size_t ps = page_size();
	size_t len = (size_bytes + ps - 1) & ~(ps - 1);
	(void)kind;
	if (!p)
		return;
	pthread_mutex_lock(&ctx->lock);
	for (size_t i = ctx->nr_recs; i-- > 0;) {
		if (ctx->recs[i].p == p && ctx->recs[i].ours) {
			ctx->recs[i] = ctx->recs[--ctx->nr_recs];
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	munmap(p, len);
}

static int hook_place(void *vctx, void *p, size_t size_bytes, enum emu_mem_kind kind)
{
	struct placement_ctx *ctx = vctx;
	size_t ps = page_size();
	uintptr_t start = ((uintptr_t)p + ps - 1) & ~(uintptr_t)(ps - 1);
	uintptr_t end = ((uintptr_t)p + size_bytes) & ~(uintptr_t)(ps - 1);
	int ret = 0;

	if ((unsigned)kind >= EMU_MEM_NR_KINDS)
		return -EINVAL;
	if (end <= start)
		return 0;
	pthread_mutex_lock(&ctx->lock);
	if (ctx_mbind(ctx, (void *)start, end - start, kind) < 0) {
		ret = -errno;
		ctx_fail(ctx, ret, "mbind to node %d: %s", placement_req_node(&ctx->req, kind), strerror(errno));
	} else if (ctx_record(ctx, (void *)start, end - start, kind, false) < 0) {
		ret = -ENOMEM;
		ctx_fail(ctx, ret, "out of memory for allocation records");
	}
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

int placement_ctx_create(const struct placement_req *req, unsigned flags, struct placement_ctx **out,
			 char *why, size_t whylen)
{
	struct placement_ctx *ctx;
	int ret;

	if (!req || !out)
		return -EINVAL;
	*out = NULL;
	for (size_t i = 0; i < NR_KEYS; i++) {
		int node = req_get(req, i);
		if (node != -1 && (ret = real_node_check(node, req_keys[i].key, why, whylen)) < 0)
			return ret;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->req = *req;
	ctx->mode = (flags & PLACEMENT_PREFERRED) ? MPOL_PREFERRED : MPOL_BIND;
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++) {
		int node = placement_req_node(req, k);
		if (node < 0)
			continue;
		nodemask_one(ctx->mask[k], node);
		ctx->has_mask[k] = true;
	}
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->ops = (struct emu_mem_ops){.alloc = hook_alloc, .free = hook_free, .place = hook_place, .ctx = ctx};
	*out = ctx;
	return 0;
}

void placement_ctx_destroy(struct placement_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->nr_recs; i++)
		if (ctx->recs[i].ours)
			munmap(ctx->recs[i].p, ctx->recs[i].size_bytes);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->recs);
	free(ctx);
}

const struct emu_mem_ops *placement_ctx_ops(struct placement_ctx *ctx)
{
	return &ctx->ops;
}

int placement_ctx_error(const struct placement_ctx *ctx, const char **why)
{
	if (why)
		*why = ctx->err ? ctx->why : "";
	return ctx->err;
}

/* Fold the nodes of pages[0..n) into *acc (PLACEMENT_NONE to start). */
static int fold_pages(void **pages, unsigned long n, int *acc)
{
	int status[SAMPLE_PAGES];
	if (!n)
		return 0;
	if (move_pages(0, n, pages, NULL, status, 0) < 0) {
		if (*acc == PLACEMENT_NONE)
			*acc = PLACEMENT_UNKNOWN;
		return 0;
	}
	for (unsigned long i = 0; i < n; i++) {
		if (status[i] < 0) /* -ENOENT: not present; -EFAULT: not mapped */
			continue;
		if (*acc == PLACEMENT_NONE || *acc == PLACEMENT_UNKNOWN)
			*acc = status[i];
		else if (*acc != status[i])
			*acc = PLACEMENT_MIXED;
	}
	return 0;
}

/* Up to SAMPLE_PAGES pages spread evenly over [p, p + len). */
static unsigned long sample_even(void *p, size_t len, void **pages)
{
	size_t ps = page_size();
	unsigned long nr = len / ps, n = nr < SAMPLE_PAGES ? nr : SAMPLE_PAGES;
	for (unsigned long i = 0; i < n; i++)
		pages[i] = (char *)p + (i * nr / n) * ps;
	return n;
}

/*
 * Up to SAMPLE_PAGES present pages of a placed range, which is mostly not
 * faulted in: mincore() finds the present ones (first SCAN_PAGES_MAX pages).
 * Returns the count, 0 if none, or -ENOMEM.
 */
static long sample_present(void *p, size_t len, void **pages)
{
	size_t ps = page_size();
	unsigned long nr = len / ps, present = 0, n = 0;
	unsigned char *vec;
	if (nr > SCAN_PAGES_MAX)
		nr = SCAN_PAGES_MAX;
	vec = malloc(nr ? nr : 1);
	if (!vec)
		return -ENOMEM;
	if (mincore(p, nr * ps, vec) < 0) {
		free(vec);
		return 0; /* no longer mapped */
	}
	for (unsigned long i = 0; i < nr; i++)
		present += vec[i] & 1;
	/* Every k-th present page, k chosen to give at most SAMPLE_PAGES. */
	unsigned long k = present > SAMPLE_PAGES ? (present + SAMPLE_PAGES - 1) / SAMPLE_PAGES : 1, seen = 0;
	for (unsigned long i = 0; i < nr && n < SAMPLE_PAGES; i++) {
		if (!(vec[i] & 1))
			continue;
		if (seen++ % k == 0)
			pages[n++] = (char *)p + i * ps;
	}
	free(vec);
	return (long)n;
}

int placement_verify(struct placement_ctx *ctx, int actual_node[EMU_MEM_NR_KINDS])
{
	void *pages[SAMPLE_PAGES];
	int ret = 0;
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++)
		actual_node[k] = PLACEMENT_NONE;
	pthread_mutex_lock(&ctx->lock);
	for (size_t i = 0; i < ctx->nr_recs; i++) {
		const struct placement_rec *r = &ctx->recs[i];
		long n;
		if (r->ours) {
			n = (long)sample_even(r->p, r->size_bytes, pages);
		} else {
			n = sample_present(r->p, r->size_bytes, pages);
			if (n < 0) {
				ret = (int)n;
				break;
			}
		}
		fold_pages(pages, (unsigned long)n, &actual_node[r->kind]);
	}
	pthread_mutex_unlock(&ctx->lock);
	return ret;
}

int placement_node_of_range(const void *p, size_t size_bytes, int *node)
{
	void *pages[SAMPLE_PAGES];
	size_t ps = page_size();
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)(ps - 1);
	uintptr_t end = ((uintptr_t)p + size_bytes + ps - 1) & ~(uintptr_t)(ps - 1);
	if (!p || !size_bytes || !node)
		return -EINVAL;
	*node = PLACEMENT_NONE;
	return fold_pages(pages, sample_even((void *)start, end - start, pages), node);
}

static const struct {
	const char *key;
	enum emu_mem_kind kind;
} actual_keys[] = {
	{"pt", EMU_MEM_PGTABLE}, {"memmap", EMU_MEM_MEMMAP},   {"hmm", EMU_MEM_HMM_ARRAY},
	{"drv", EMU_MEM_DRIVER_ARRAY}, {"data", EMU_MEM_DATA},
};

int placement_format_actual(const int actual_node[EMU_MEM_NR_KINDS], char *buf, size_t len)
{
	size_t used = 0;
	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(actual_keys) / sizeof(actual_keys[0]); i++) {
		int a = actual_node[actual_keys[i].kind];
		char v[16];
		if (a >= 0)
			snprintf(v, sizeof(v), "%d", a);
		else
			snprintf(v, sizeof(v), "%s",
				 a == PLACEMENT_NONE ? "none" : a == PLACEMENT_MIXED ? "mixed" : "?");
		int n = snprintf(buf + used, len - used, "%s%s=%s", i ? "," : "", actual_keys[i].key, v);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

bool placement_actual_matches(const struct placement_req *req, const int actual_node[EMU_MEM_NR_KINDS])
{
	for (int k = 0; k < EMU_MEM_NR_KINDS; k++) {
		int want = placement_req_node(req, k);
		if (want < 0 || actual_node[k] == PLACEMENT_NONE)
			continue;
		if (actual_node[k] != want)
			return false;
	}
	return true;
}

int placement_set_thread_policy(const struct placement_req *req)
{
	unsigned long mask[NODEMASK_LONGS];
	int ret;
	if (req->drv_node < 0)
		return placement_reset_thread_policy();
	if ((ret = real_node_check(req->drv_node, "drv", NULL, 0)) < 0)
		return ret;
	nodemask_one(mask, req->drv_node);
	if (set_mempolicy(MPOL_PREFERRED, mask, NODEMASK_BITS + 1) < 0)
		return -errno;
	return 0;
}

int placement_reset_thread_policy(void)
{
	if (set_mempolicy(MPOL_DEFAULT, NULL, 0) < 0)
		return -errno;
	return 0;
}
