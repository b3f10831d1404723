/*
 * build_info.h - what the binary was built from, fixed at build time.
 *
 * The definitions are generated into the build tree by
 * cmake/build_info.cmake on every build (harness/CMakeLists.txt), from
 * `git rev-parse HEAD` and `git status --porcelain` of the source tree as it
 * was compiled.  A binary built at commit A therefore keeps saying A after
 * a later `git commit` or checkout: results name the code that made them.
 */
#ifndef PFNBENCH_BUILD_INFO_H
#define PFNBENCH_BUILD_INFO_H

/* the project version (CMake project(VERSION)) */
extern const char pfnbench_version[];
/* 40 hex digits, or "unknown" (no git, or not a git checkout) */
extern const char pfnbench_build_commit[];
/* 1 tracked files differed from HEAD when built, 0 clean, -1 unknown */
extern const int pfnbench_build_dirty;

#endif
