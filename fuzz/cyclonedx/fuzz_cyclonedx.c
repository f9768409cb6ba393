/*
 * fuzz_cyclonedx.c - libFuzzer target for the CycloneDX half of sbom.h: its corpus and dictionary
 * are CycloneDX 1.4-1.6 documents; the checks are fuzz/sbom_harness.h's, shared with fuzz_spdx.c.
 */
#include "../sbom_harness.h"
