package residue

import (
	"slices"

	"github.com/newsdedup/newsdedup/dedup/internal/uspace"
)

// plainParas returns paras with their no-break and thin spaces as ASCII
// spaces (see package uspace), or nil when none has one: the patterns
// write a space as " " or \s, which RE2 reads as ASCII only.
func plainParas(paras []string) []string {
	var out []string
	for i, p := range paras {
		if s, ok := uspace.Plain(p); ok {
			if out == nil {
				out = slices.Clone(paras)
			}
			out[i] = s
		}
	}
	return out
}
