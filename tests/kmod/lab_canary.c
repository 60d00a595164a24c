// SPDX-License-Identifier: GPL-2.0
/*
 * lab_canary - prove that the lab notices kernel reports.
 *
 * A run is only worth something if a WARNING in the guest turns it red.
 * Loading this module with warn=1 fires one WARN(), so the lab's own
 * self-check can show that the host-side log scan catches it and names the
 * test that was running.  Loaded without parameters it does nothing.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "fire a deliberate WARN() at load time");

static int __init lab_canary_init(void)
{
	WARN(warn, "lab_canary: deliberate warning (lab self-check)\n");
	return 0;
}

static void __exit lab_canary_exit(void)
{
}

module_init(lab_canary_init);
module_exit(lab_canary_exit);
MODULE_DESCRIPTION("DAX lab self-check: a WARN() on request");
MODULE_LICENSE("GPL");
