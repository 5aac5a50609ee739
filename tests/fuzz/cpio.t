#!/bin/bash
# libFuzzer target fuzz_cpio (tests/fuzz/fuzz_cpio.c): its seed corpus and
# regression entries, then a few seconds of new inputs. See docs/fuzzing.md.
. "$(dirname "$0")/lib.sh"
fuzz_setup
fuzz_target cpio
done_testing
