#!/bin/bash
# libFuzzer target fuzz_manifest (tests/fuzz/fuzz_manifest.c): its seed corpus and
# regression entries, then a few seconds of new inputs. See docs/fuzzing.md.
. "$(dirname "$0")/lib.sh"
fuzz_setup
fuzz_target manifest
done_testing
