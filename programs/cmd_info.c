// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "commands.h"
int cmd_info(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "initerofs info: not implemented yet\n"); return 2; }
