// healbench entry point: everything happens in the subcommands (harness/cli).
#include "harness/cli/commands.h"

int main(int argc, char** argv) { return healbench::Main(argc, argv); }
