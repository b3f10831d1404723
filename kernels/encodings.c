/*
 * encodings.c - drivers' era-B tables (range->flags, range->values,
 * range->pfn_shift), as the drivers set them.
 */
#include "nouveau.h"

/* nouveau_svm.c, v5.2-v5.6 */
const struct hmm_encoding nouveau_encoding_v56 = {
	.flags = {
		[HMM_PFN_FLAG_VALID] = NVIF_VMM_PFNMAP_V0_V,
		[HMM_PFN_FLAG_WRITE] = NVIF_VMM_PFNMAP_V0_W,
		[HMM_PFN_FLAG_DEVICE_PRIVATE] = NVIF_VMM_PFNMAP_V0_VRAM,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR] = ~NVIF_VMM_PFNMAP_V0_V,
		[HMM_PFN_VALUE_NONE] = NVIF_VMM_PFNMAP_V0_NONE,
		[HMM_PFN_VALUE_SPECIAL] = ~NVIF_VMM_PFNMAP_V0_V,
	},
	.pfn_shift = NVIF_VMM_PFNMAP_V0_ADDR_SHIFT,
};

/* nouveau_svm.c, v5.7 (17ffdc482982: no DEVICE_PRIVATE slot) */
const struct hmm_encoding nouveau_encoding_v57 = {
	.flags = {
		[HMM_PFN_FLAG_VALID] = NVIF_VMM_PFNMAP_V0_V,
		[HMM_PFN_FLAG_WRITE] = NVIF_VMM_PFNMAP_V0_W,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR] = ~NVIF_VMM_PFNMAP_V0_V,
		[HMM_PFN_VALUE_NONE] = NVIF_VMM_PFNMAP_V0_NONE,
		[HMM_PFN_VALUE_SPECIAL] = ~NVIF_VMM_PFNMAP_V0_V,
	},
	.pfn_shift = NVIF_VMM_PFNMAP_V0_ADDR_SHIFT,
};

/* amdgpu_ttm.c (v5.5-v5.7; amdgpu_mn.c in v5.3-v5.4): hmm_range_flags/values */
const struct hmm_encoding amdgpu_encoding_eraB = {
	.flags = {
		[HMM_PFN_FLAG_VALID] = 1UL << 0,
		[HMM_PFN_FLAG_WRITE] = 1UL << 1,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR] = 0xfffffffffffffffeUL,
		[HMM_PFN_VALUE_NONE] = 0,
		[HMM_PFN_VALUE_SPECIAL] = 0xfffffffffffffffcUL,
	},
	.pfn_shift = PAGE_SHIFT,
};

/* lib/test_hmm.c in hmm.git, April 2020 (never released): dmirror_hmm_flags/values */
const struct hmm_encoding dmirror_encoding_eraB = {
	.flags = {
		[HMM_PFN_FLAG_VALID] = 1UL << 0,
		[HMM_PFN_FLAG_WRITE] = 1UL << 1,
	},
	.values = {
		[HMM_PFN_VALUE_ERROR] = 0x10,
		[HMM_PFN_VALUE_NONE] = 0,
		[HMM_PFN_VALUE_SPECIAL] = 0x10,
	},
	.pfn_shift = PAGE_SHIFT,
};
