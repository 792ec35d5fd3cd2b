package read

// HTML bodies. Scrapers sometimes store a page's markup where the text
// should be ({"text": "<p>The council voted...</p><p>..."}). Read as
// text, such a body would be one line of tags that the residue detector
// removes whole, and clean would write the record back with an empty
// body. The reader reads it as what a browser shows: the text of each
// block element a paragraph, scripts and styles dropped, entities decoded.

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// looksHTML reports whether a body is markup: it starts with a tag and
// closes an element of the kinds that hold text.
func looksHTML(body string) bool {
	t := strings.TrimSpace(body)
	if !strings.HasPrefix(t, "<") || strings.Count(t, "<") < 2 {
		return false
	}
	l := strings.ToLower(t)
	for _, tag := range []string{"</p>", "</div>", "</li>", "</h1>", "</h2>", "</h3>", "</span>", "</a>", "<br", "</td>", "</body>", "</article>", "</section>", "</blockquote>"} {
		if strings.Contains(l, tag) {
			return true
		}
	}
	return false
}

// htmlText returns the text of an HTML fragment or page, one line per
// block of text.
func htmlText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var out, line bytes.Buffer
	skip := 0 // depth inside elements whose text is not shown
	flush := func() {
		if t := strings.Join(strings.Fields(line.String()), " "); t != "" {
			out.WriteString(t)
			out.WriteByte('\n')
		}
		line.Reset()
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			flush()
			return out.String()
		case html.TextToken:
			if skip == 0 {
				line.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Body:
				skip = 0 // whatever was left open before it
				flush()
			case hiddenElements[a]:
				skip++
			case blockElements[a]:
				flush()
			default:
				line.WriteByte(' ') // inline elements may stand between words
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case hiddenElements[a]:
				if skip > 0 {
					skip--
				}
			case blockElements[a]:
				flush()
			}
		}
	}
}

// hiddenElements hold no text a reader sees.
var hiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Iframe: true, atom.Object: true,
}

// blockElements break the text into paragraphs.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Article: true, atom.Section: true, atom.Header: true, atom.Footer: true,
	atom.Aside: true, atom.Nav: true, atom.Figure: true, atom.Figcaption: true, atom.Table: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Pre: true, atom.Hr: true, atom.Dt: true, atom.Dd: true,
	atom.Main: true, atom.Body: true, atom.Html: true, atom.Title: true,
}
