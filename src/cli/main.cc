#include "common.h"
#include "secproto/interrupt.h"

int main(int argc, char** argv) {
  secproto::InstallInterruptHandlers();
  return secproto::cli::Main(argc, argv);
}
