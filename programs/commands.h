/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initerofs subcommands. Each takes the arguments after the command
 * name (argv[0] is the subcommand's own name) and returns the exit status.
 */
#ifndef INITEROFS_COMMANDS_H
#define INITEROFS_COMMANDS_H

int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);

#endif /* INITEROFS_COMMANDS_H */
