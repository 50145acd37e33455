/* fuzz-config.c: the configuration file parser. */
#include "config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct config *config = config_new();
    char error[512];

    if (config != NULL)
        config_load_text(config, "fuzz.conf", (const char *)data, size, error, sizeof(error));
    config_free(config);
    return 0;
}
