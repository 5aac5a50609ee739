/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The static switch-root program's bytes, for `initerofs convert` to put
 * into images: ie_switch_root_prog[ie_switch_root_prog_end -
 * ie_switch_root_prog] (programs/commands.h). The assembler finds the
 * file through the -I the Makefile gives it.
 */
	.section .rodata
	.globl ie_switch_root_prog
	.globl ie_switch_root_prog_end
	.balign 16
ie_switch_root_prog:
	.incbin "initerofs-switch-root"
ie_switch_root_prog_end:
	.section .note.GNU-stack,"",@progbits
