// tools/verify/entry.cpp: main() of every runner program (vsem-verify, and
// each program vsem_add_model builds). A program that defines its own main()
// links without this file's archive being used and calls vsem::verify::main.
#include <vsem/verify/registry.hpp>

int main(int argc, char** argv) {
  return vsem::verify::main(argc, argv);
}
