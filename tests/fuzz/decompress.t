#!/bin/bash
# libFuzzer target fuzz_decompress (tests/fuzz/fuzz_decompress.c): its seed corpus and
# regression entries, then a few seconds of new inputs. See docs/fuzzing.md.
. "$(dirname "$0")/lib.sh"
fuzz_setup
fuzz_target decompress
done_testing
