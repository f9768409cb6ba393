/*
 * fuzz_spdx.c - libFuzzer target for the SPDX half of sbom.h: its corpus and dictionary are SPDX
 * 2.3 documents; the checks are fuzz/sbom_harness.h's, shared with fuzz_cyclonedx.c.
 */
#include "../sbom_harness.h"
