package residue

import (
	"slices"

	"github.com/newsdedup/newsdedup/dedup/internal/uspace"
)

// shownParas returns paras as the detector reads them, or nil when it
// reads them as written: each paragraph with its no-break and thin
// spaces as ASCII spaces (the patterns write a space as " " or \s,
// which RE2 reads as ASCII only; see package uspace) and its Markdown as
// shown (see shownText), and the body without its list markers when
// every list of it is marked (see unbulleted). Clean keeps the text as
// written; the memo and the corpus know the body as written too.
func shownParas(paras []string) []string {
	var out []string
	for i, p := range paras {
		s, spaced := uspace.Plain(p)
		if t, marked := shownText(s); spaced || marked {
			if out == nil {
				out = slices.Clone(paras)
			}
			out[i] = t
		}
	}
	read := out
	if read == nil {
		read = paras
	}
	if items := unbulleted(read); items != nil {
		return items
	}
	return out
}
