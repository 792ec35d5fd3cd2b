package residue

import (
	"regexp"
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

// A Markdown heading, "### Related articles", shows its text: the marker
// is markup, as a link's target is, and read as text it hid the line
// from the rules anchored at its start (which allow three characters
// before its words) and made every heading a line that starts with no
// letter. With every short line without a stop written as a heading
// (scripts/rewritten_pages.py's headings form), the whole pages' F1 after
// clean fell from 0.9138 to 0.9030.

// headingMarker returns the length in bytes of p's Markdown heading
// marker (up to three blanks, one to six "#", and the blanks after
// them), 0 when it has none or nothing after it.
func headingMarker(p string) int {
	i := 0
	for i < len(p) && i < 3 && p[i] == ' ' {
		i++
	}
	j := i
	for j < len(p) && j-i < 6 && p[j] == '#' {
		j++
	}
	if j == i || j == len(p) || (p[j] != ' ' && p[j] != '\t') {
		return 0
	}
	for j < len(p) && (p[j] == ' ' || p[j] == '\t') {
		j++
	}
	if j == len(p) {
		return 0
	}
	return j
}

// A line set in emphasis whole, "**Related Articles**" or "_Read
// more_" (html2text's bold and italics), shows its text as well: with
// every short line in bold (rewritten_pages.py's emphasis form) the
// whole pages' F1 after clean fell from 0.9138 to 0.9109.

// emphasisMarks are Markdown's marks of emphasis, the longer first.
var emphasisMarks = [...]string{"**", "__", "*", "_"}

// emphasised returns the text of p when p is set in Markdown emphasis
// whole (**, __, * or _ around it, not against a blank, and not inside
// it), and whether it is.
func emphasised(p string) (string, bool) {
	s := strings.TrimSpace(p)
	for _, m := range emphasisMarks {
		if len(s) <= 2*len(m) || !strings.HasPrefix(s, m) || !strings.HasSuffix(s, m) {
			continue
		}
		in := s[len(m) : len(s)-len(m)]
		if strings.Contains(in, m[:1]) || in[0] == ' ' || in[0] == '\t' || in[len(in)-1] == ' ' || in[len(in)-1] == '\t' {
			return p, false
		}
		return in, true
	}
	return p, false
}

// shownText returns p with its Markdown heading marker and whole-line
// emphasis dropped and each Markdown link (not an image) replaced by its
// anchor, and whether it had any.
func shownText(p string) (string, bool) {
	if in, ok := emphasised(p); ok {
		s, _ := shownText(in)
		return s, true
	}
	if k := headingMarker(p); k > 0 {
		s, _ := shownText(strings.TrimRight(strings.TrimRight(p[k:], " \t#"), " \t"))
		if s == "" {
			s = p[k:]
		}
		return s, true
	}
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
