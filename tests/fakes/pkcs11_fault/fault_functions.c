#include "fault_functions.h"

#include <string.h>

#define FAULT_FN_NAME(name) #name,
const char* const fault_function_names[FAULT_FUNCTION_COUNT] = {FAULT_FUNCTIONS(FAULT_FN_NAME)};
#undef FAULT_FN_NAME

int fault_function_index(const char* name) {
  for (int i = 0; i < FAULT_FUNCTION_COUNT; i++)
    if (strcmp(fault_function_names[i], name) == 0) return i;
  return -1;
}
