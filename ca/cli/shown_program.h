// How printed command lines name this program: "sshca" when that is what
// the shell finds on PATH (an installed package), else the path of the
// running binary (build/bin/sshca after scripts/quickstart.sh), so that a
// printed "next" line works when pasted.
#pragma once

#include <string>

namespace sshca::cli {

std::string shownProgram();

}  // namespace sshca::cli
