package read

import "flag"

// updateFlag (-update) rewrites the golden files under testdata instead
// of comparing with them.
var updateFlag = flag.Bool("update", false, "rewrite golden files under testdata")

// updateGolden reports whether -update was given.
func updateGolden() bool { return *updateFlag }
