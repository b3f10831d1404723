/*
 * encodings.c - drivers' era-B tables (range->flags, range->values,
 * range->pfn_shift), as nouveau_svm.c of v5.2-v5.6 set them.
 */
#include "nouveau.h"

const struct hmm_encoding nouveau_encoding_eraB = {
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
	.has_order = false,
	.order_shift = 0,
	.dev_pfn_offset = 0,
};
