/* rctr - libarchive and libcrypto loaded on demand; see dl.h.  */
#include <config.h>

#include <dlfcn.h>
#include <stdbool.h>

#include "core/util.h"
#include "image/dl.h"

#define RCTR_DLSYM_DEFINE(name) __typeof__ (name) *sym_##name;
RCTR_LIBARCHIVE_SYMBOLS (RCTR_DLSYM_DEFINE)
RCTR_LIBCRYPTO_SYMBOLS (RCTR_DLSYM_DEFINE)
#undef RCTR_DLSYM_DEFINE

struct dl_symbol
{
  const char *name;
  void **slot;
};

#define RCTR_DLSYM_ENTRY(name) { #name, (void **) &sym_##name },
static const struct dl_symbol libarchive_symbols[] = { RCTR_LIBARCHIVE_SYMBOLS (RCTR_DLSYM_ENTRY) };
static const struct dl_symbol libcrypto_symbols[] = { RCTR_LIBCRYPTO_SYMBOLS (RCTR_DLSYM_ENTRY) };
#undef RCTR_DLSYM_ENTRY

static int
dl_load (const char *soname, const struct dl_symbol *symbols, size_t n, rctr_error_t *err)
{
  /* RTLD_NODELETE: the pointers stay valid for the life of the process.  */
  void *h = dlopen (soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  size_t i;

  if (h == NULL)
    return rctr_make_error (err, 0, "load %s: %s", soname, dlerror ());
  for (i = 0; i < n; i++)
    {
      *symbols[i].slot = dlsym (h, symbols[i].name);
      if (*symbols[i].slot == NULL)
        return rctr_make_error (err, 0, "load %s: symbol %s is missing", soname, symbols[i].name);
    }
  return 0;
}

int
rctr_dl_libarchive (rctr_error_t *err)
{
  static bool loaded;

  if (!loaded
      && dl_load (LIBARCHIVE_SONAME, libarchive_symbols, RCTR_ARRAY_SIZE (libarchive_symbols), err) < 0)
    return -1;
  loaded = true;
  return 0;
}

int
rctr_dl_libcrypto (rctr_error_t *err)
{
  static bool loaded;

  if (!loaded && dl_load (LIBCRYPTO_SONAME, libcrypto_symbols, RCTR_ARRAY_SIZE (libcrypto_symbols), err) < 0)
    return -1;
  loaded = true;
  return 0;
}
