/* libFuzzer target: the seccomp profile parser (core/seccomp.c, core/json.c).
 * A profile is user input: whatever bytes it holds, parsing must end in a
 * profile or one error, never a crash, a leak or undefined behaviour.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "core/caps.h"
#include "core/seccomp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct rctr_seccomp_profile p;
  rctr_error_t err = NULL;
  size_t i;

  if (rctr_seccomp_parse ((const char *) data, size, "fuzz.json", &p, &err) == 0)
    {
      /* What compiling would ask of each rule.  */
      for (i = 0; i < p.n_rules; i++)
        {
          (void) rctr_seccomp_rule_applies (&p.rules[i], 0);
          (void) rctr_seccomp_rule_applies (&p.rules[i], rctr_caps_default ());
        }
      rctr_seccomp_profile_free (&p);
    }
  rctr_error_release (&err);
  return 0;
}
