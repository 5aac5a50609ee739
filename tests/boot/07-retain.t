#!/bin/bash
# Scenario 7: the retain_initerofs boot parameter. It is a known parameter
# (not handed to /init), the kernel says it keeps the image, and the boot is
# otherwise the same.
cd "$(dirname "$0")/../.." || exit 1
. harness/lib/scenario.sh
scenario_setup

boot_case retain erofs.lz4 retain_initerofs
expect_clean_kernel
expect_root_erofs_overlay
expect_hashes
unlike "$(report argv)" retain_initerofs "$CASE: the kernel consumed retain_initerofs (not passed to /init)"
unlike "$(kernel_log | grep 'Unknown kernel command line')" retain_initerofs \
	"$CASE: retain_initerofs is not an unknown parameter"
expect_initerofs 'retain' "acknowledging retain_initerofs"

boot_case no-retain erofs.lz4
expect_no_initerofs 'retain' "about retaining when not asked to"
done_testing
