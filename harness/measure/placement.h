/*
 * placement.h - where the benchmark runs and where its memory lives.
 *
 * Three parts:
 *
 *  (a) struct topo: the hwloc topology of this machine, or a synthetic one
 *      (PFNBENCH_HWLOC_SYNTHETIC="pack:2 numa:1 core:2 pu:1") or one read
 *      from XML (PFNBENCH_HWLOC_XML=file.xml), so that multi-node code paths
 *      can be tested on a one-node machine.  Nodes are named by their OS
 *      index (what numactl and mbind call them).
 *  (b) thread binding with hwloc.  A synthetic or XML topology is not this
 *      machine, so binding on it is refused (-ENOTSUP) instead of binding
 *      the real thread to CPUs that may not exist.
 *  (c) memory placement with libnuma: struct placement_req names the node of
 *      each kind of emulator memory; struct placement_ctx implements
 *      kernels/mm.h's emu_mem_ops by mbind()ing each allocation to its node
 *      before the first touch, remembers every allocation, and
 *      placement_verify() asks the kernel (move_pages) where the pages
 *      really are.  The real machine decides: placement_ctx checks nodes
 *      against libnuma, not against a synthetic topology.
 *
 * The string form of a request (config files, results.csv placement_req):
 *
 *     local                               every kind on the default policy
 *     pt=0,memmap=0,hmm=1,drv=1,cpu=0,data=0
 *
 * Keys pt (page tables), memmap (struct pages), hmm (the array HMM writes),
 * drv (the driver's second array), cpu (the node whose CPUs run the
 * benchmark), data (data frames); any subset, each at most once, any order.
 * A key left out is -1, local.  The formatter writes the keys that are set,
 * in the order above, or "local" when none is.
 *
 * The actual placement (results.csv placement_actual) is always the five
 * memory kinds in order: "pt=0,memmap=0,hmm=0,drv=0,data=0", where a value
 * is the node, "none" (nothing of that kind was alive or present when
 * verified), "mixed" (pages on several nodes) or "?" (the kernel would not
 * say).
 *
 * Left out on purpose: interleave policies, memory binding through hwloc,
 * migrating memory that is already in place.  Huge pages are the
 * emulator's (kernels/mm.h emu_mem_map(): page tables and memmap 2 MiB
 * aligned, MADV_HUGEPAGE); hugepages.h checks what the kernel gave.
 */
#ifndef PFNBENCH_PLACEMENT_H
#define PFNBENCH_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "mm.h"

/* --- (a) topology --------------------------------------------------------- */

struct topo;

/*
 * This machine's topology, or the one PFNBENCH_HWLOC_SYNTHETIC /
 * PFNBENCH_HWLOC_XML describe (synthetic wins if both are set).  Returns 0,
 * -EINVAL (a bad synthetic description or unreadable XML) or -ENOMEM; *out
 * is NULL on error.
 */
int topo_open(struct topo **out);
void topo_close(struct topo *t);
/* Did the topology come from PFNBENCH_HWLOC_SYNTHETIC or _XML? */
bool topo_is_synthetic(const struct topo *t);
int topo_nr_nodes(const struct topo *t);
/* Is there a NUMA node with this OS index? */
bool topo_node_exists(const struct topo *t, int node);
/*
 * OS indexes of the PUs (logical CPUs) of node, in increasing order, into
 * cpus[0..max_cpus).  Returns how many the node has (may exceed max_cpus),
 * or -ENODEV when the node does not exist.
 */
int topo_cpus_of_node(const struct topo *t, int node, int *cpus, size_t max_cpus);
/*
 * One line, malloc'd: "1 package, 1 NUMA node, 2 cores, 2 PUs, L3 32 MiB"
 * (the last part is the largest cache level present, or "no cache info").
 * NULL when out of memory.
 */
char *topo_summary(const struct topo *t);
/* Size of one last-level cache in bytes; 0 when hwloc does not know. */
size_t topo_llc_bytes(const struct topo *t);

/* --- (b) binding ----------------------------------------------------------- */

/*
 * Bind the calling thread to node's CPUs (core -1), or to the core-th core
 * of node (0-based, in hwloc's logical order among that node's cores).
 * Returns 0; -ENODEV when the node or core does not exist; -ENOTSUP on a
 * synthetic/XML topology ("synthetic topology: not binding"); or -errno of
 * hwloc_set_cpubind().  why (may be NULL) gets a sentence on error.
 */
int topo_bind_thread(struct topo *t, int node, int core, char *why, size_t whylen);
/* Let the calling thread run anywhere again.  Returns 0, -ENOTSUP or -errno. */
int topo_unbind_thread(struct topo *t);

/* --- (c) memory ------------------------------------------------------------ */

struct placement_req {
	int cpu_node;     /* node whose CPUs run the benchmark, -1 any */
	int pt_node;      /* EMU_MEM_PGTABLE */
	int memmap_node;  /* EMU_MEM_MEMMAP */
	int hmm_node;     /* EMU_MEM_HMM_ARRAY */
	int drv_node;     /* EMU_MEM_DRIVER_ARRAY */
	int data_node;    /* EMU_MEM_DATA */
};
#define PLACEMENT_REQ_LOCAL \
	((struct placement_req){.cpu_node = -1, .pt_node = -1, .memmap_node = -1, .hmm_node = -1, \
				.drv_node = -1, .data_node = -1})
#define PLACEMENT_NODE_MAX 1023 /* largest node number the parser accepts */

/*
 * Parse "local" or "pt=0,hmm=1,...".  Returns 0 or -EINVAL with a sentence
 * in why (may be NULL) naming the bad part, e.g. "unknown key 'gpu' (keys:
 * pt, memmap, hmm, drv, cpu, data)"; the caller adds file:line.
 */
int placement_req_parse(const char *s, struct placement_req *req, char *why, size_t whylen);
/* Format as described above.  Returns 0, or -ENOSPC if buf is too small. */
int placement_req_format(const struct placement_req *req, char *buf, size_t len);
/* The node requested for kind (-1 local); -1 for bad kinds. */
int placement_req_node(const struct placement_req *req, enum emu_mem_kind kind);
/* Are all nodes -1? */
bool placement_req_is_local(const struct placement_req *req);

/*
 * Does every node of req exist in t?  Returns 0, or -ENODEV with e.g.
 * "node 1 requested for hmm, this machine has 1 node (0)".
 */
int placement_check(const struct topo *t, const struct placement_req *req, char *why, size_t whylen);

struct placement_ctx;

#define PLACEMENT_PREFERRED (1u << 0) /* MPOL_PREFERRED instead of MPOL_BIND */

/*
 * A context that places emulator memory as req says, with MPOL_BIND (or
 * MPOL_PREFERRED with PLACEMENT_PREFERRED).  Nodes are checked against the
 * real machine (libnuma).  Returns 0, -ENODEV (a node this machine does not
 * have; why says which), -ENOTSUP (a node is requested but the kernel has
 * no NUMA support) or -ENOMEM.
 */
int placement_ctx_create(const struct placement_req *req, unsigned flags, struct placement_ctx **out,
			 char *why, size_t whylen);
/* Frees the context; memory still allocated through it is unmapped. */
void placement_ctx_destroy(struct placement_ctx *ctx);
/*
 * The hooks to put in emu_mm_params.mem:
 *   alloc: emu_mem_map() (page tables 2 MiB aligned, MADV_HUGEPAGE), mbind
 *          to the kind's node (unless -1), then write one byte
 *          per page so every page is faulted in under that policy; NULL when
 *          mmap or mbind fails (placement_ctx_error() says why).
 *   free:  munmap and forget.
 *   place: mbind a range the emulator reserved (page-rounded inwards to
 *          whole pages); it is not touched.  Returns 0 or -errno.
 */
const struct emu_mem_ops *placement_ctx_ops(struct placement_ctx *ctx);
/* The last error of the hooks: 0 or -errno, and a sentence. */
int placement_ctx_error(const struct placement_ctx *ctx, const char **why);

/*
 * Where the pages of each kind really are, from a sample of up to 64 pages
 * of every live allocation or placed range (move_pages(2) with no target,
 * which only reports; pages not yet faulted in are ignored).
 * actual_node[kind] = node, -1 nothing alive or present, -2 several nodes,
 * -3 unknown (the kernel refused).  Call it while the emulator still holds
 * its memory (before emu_mm_destroy).  Returns 0 or -ENOMEM.
 */
#define PLACEMENT_NONE (-1)
#define PLACEMENT_MIXED (-2)
#define PLACEMENT_UNKNOWN (-3)
int placement_verify(struct placement_ctx *ctx, int actual_node[EMU_MEM_NR_KINDS]);
/*
 * The same for any range [p, p + size_bytes) (e.g. a malloc'd driver array):
 * *node as above.  Returns 0, -EINVAL or -ENOMEM.
 */
int placement_node_of_range(const void *p, size_t size_bytes, int *node);
/* "pt=0,memmap=0,hmm=0,drv=0,data=0"; returns 0 or -ENOSPC. */
int placement_format_actual(const int actual_node[EMU_MEM_NR_KINDS], char *buf, size_t len);
/* Did every kind with a requested node land there (none counts as yes)? */
bool placement_actual_matches(const struct placement_req *req, const int actual_node[EMU_MEM_NR_KINDS]);

/*
 * Set the calling thread's memory policy to MPOL_PREFERRED on req's
 * drv_node (MPOL_DEFAULT when it is -1).  The convert backend mallocs its
 * driver array per call, outside emu_mem_ops; new pages of that malloc land
 * per the thread policy (pages malloc reuses stay where they were first
 * touched).  Call it on each benchmark thread before its first call.
 * Returns 0, -ENODEV or -errno of set_mempolicy.
 */
int placement_set_thread_policy(const struct placement_req *req);
/* Back to MPOL_DEFAULT.  Returns 0 or -errno. */
int placement_reset_thread_policy(void);

#endif
