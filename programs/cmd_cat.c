// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "commands.h"
int cmd_cat(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "initerofs cat: not implemented yet\n"); return 2; }
