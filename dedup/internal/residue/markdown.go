package residue

import (
	"regexp"
	"slices"
	"strings"
)

// Markdown links.
//
// An extractor that writes Markdown (trafilatura's Markdown output,
// html2text, a crawler's page-to-Markdown step) leaves each link as
// [anchor](target). A reader sees the anchor; the target is markup. Read
// as text, the target's URL is most of a short sentence that cites a
// source ("The full report is [on the council's website](https://...)."),
// and the sentence reads as a bare URL. So the detector judges each
// paragraph by its shown text, the anchors in place of the links: the
// sentence is prose, a line of links is a line of anchors ("[Share on
// Facebook](...)" is "Share on Facebook", a share prompt), and a list of
// other stories' links is a list of their headlines. An image,
// ![alt](target), shows no text and stays as written (its URL is what
// the line is).

// mdLink matches a Markdown inline link: an anchor without brackets, and
// a target that is a URL or a path, with an optional title.
var mdLink = regexp.MustCompile(`\[([^\[\]\n]{1,300})\]\((?:[A-Za-z][A-Za-z0-9+.-]{0,20}:|/|#|www\.)[^()\s]*(?:\s+"[^"\n]{0,200}")?\)`)

// shownText returns p with each Markdown link (not an image) replaced by
// its anchor, and whether it had any.
func shownText(p string) (string, bool) {
	if !strings.Contains(p, "](") {
		return p, false
	}
	locs := mdLink.FindAllStringSubmatchIndex(p, -1)
	var b strings.Builder
	last := 0
	for _, m := range locs {
		if m[0] > 0 && p[m[0]-1] == '!' {
			continue // an image
		}
		b.WriteString(p[last:m[0]])
		b.WriteString(p[m[2]:m[3]])
		last = m[1]
	}
	if last == 0 {
		return p, false
	}
	b.WriteString(p[last:])
	return b.String(), true
}

// shownParas returns paras with their Markdown links shown as their
// anchors (see shownText), or nil when none has a link.
func shownParas(paras []string) []string {
	var out []string
	for i, p := range paras {
		if s, ok := shownText(p); ok {
			if out == nil {
				out = slices.Clone(paras)
			}
			out[i] = s
		}
	}
	return out
}
