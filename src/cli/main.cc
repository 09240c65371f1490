#include "common.h"

int main(int argc, char** argv) { return secproto::cli::Main(argc, argv); }
