#!/bin/bash
# libFuzzer target fuzz_image (tests/fuzz/fuzz_image.c): its seed corpus and
# regression entries, then a few seconds of new inputs. See docs/fuzzing.md.
. "$(dirname "$0")/lib.sh"
fuzz_setup
fuzz_target image
done_testing
