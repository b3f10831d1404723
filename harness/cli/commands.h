/*
 * commands.h - the subcommands of the pfnbench binary.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status: 0 success, 1 a check failed (verify
 * mismatch, compare regression), 2 bad usage or bad input.
 */
#ifndef PFNBENCH_COMMANDS_H
#define PFNBENCH_COMMANDS_H

int cmd_list(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_callgrind(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_ab(int argc, char **argv);

#endif
