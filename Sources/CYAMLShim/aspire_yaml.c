// Placeholder: being implemented.
#include "aspire_yaml.h"
