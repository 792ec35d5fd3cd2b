package redisstore

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/newsdedup/newsdedup/dedup"
)

// A synthetic crawl for the admission test and the benchmark: stories are
// random word sequences from a fixed seed, so unrelated stories share no
// shingles, and copies of a story are light edits of it (a few words
// changed, a paragraph dropped or a share line added, another headline).

// article is one page of the synthetic crawl.
type article struct {
	doc   *dedup.Document
	story int // index of the story it tells
}

// wordGen makes the words of the synthetic stories.
type wordGen struct {
	rng   *rand.Rand
	vocab []string
}

func newWordGen(seed uint64) *wordGen {
	g := &wordGen{rng: rand.New(rand.NewPCG(seed, 0x6e657773))}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	g.vocab = make([]string, 20000)
	for i := range g.vocab {
		b := make([]byte, 3+g.rng.IntN(8))
		for j := range b {
			b[j] = letters[g.rng.IntN(len(letters))]
		}
		g.vocab[i] = string(b)
	}
	return g
}

func (g *wordGen) word() string { return g.vocab[g.rng.IntN(len(g.vocab))] }

// story returns the paragraphs of a new story, 250 to 450 words in 3 to 6
// paragraphs, and its headline.
func (g *wordGen) story() (title string, paras [][]string) {
	n := 250 + g.rng.IntN(201)
	np := 3 + g.rng.IntN(4)
	words := make([]string, n)
	for i := range words {
		words[i] = g.word()
	}
	for p := range np {
		paras = append(paras, words[p*n/np:(p+1)*n/np])
	}
	t := make([]string, 6+g.rng.IntN(5))
	for i := range t {
		t[i] = g.word()
	}
	return strings.Join(t, " "), paras
}

// edit returns a light edit of a story: about 1% of the words replaced,
// sometimes a share line appended (scraper residue), sometimes another
// headline (the headline is not part of the signature). Copies stay near
// Jaccard 0.9, where the Index's banding finds every pair; heavier edits
// (a paragraph dropped) fall to Jaccard 0.5, where banding misses some
// pairs, which tests the index's recall rather than its admission.
func (g *wordGen) edit(title string, paras [][]string) (string, [][]string) {
	out := make([][]string, 0, len(paras)+1)
	for _, p := range paras {
		q := make([]string, len(p))
		for i, w := range p {
			if g.rng.IntN(100) == 0 {
				w = g.word()
			}
			q[i] = w
		}
		out = append(out, q)
	}
	if g.rng.IntN(3) == 0 {
		out = append(out, strings.Fields("Share this article with your friends"))
	}
	if g.rng.IntN(2) == 0 {
		title = g.word() + " " + g.word() + " " + title
	}
	return title, out
}

func makeDoc(id, title string, paras [][]string) *dedup.Document {
	d := &dedup.Document{ID: id, Title: title, TitleLine: 1}
	for i, p := range paras {
		d.Paragraphs = append(d.Paragraphs, dedup.Paragraph{Text: strings.Join(p, " "), Line: i + 2})
	}
	return d
}

// crawl is the synthetic input of several crawler processes.
type crawl struct {
	feeds   [][]article // per process, in submission order
	stories int         // number of stories
	shared  int         // stories with copies in several processes
}

// makeCrawl builds procs feeds of perProc articles each, with shared
// stories of 2 to 4 copies each in different processes: shared copies
// make about 30% of each feed at 4 processes. The copies of one story
// sit at about the same position of every feed that has one, so that
// they are submitted at about the same moment.
func makeCrawl(seed uint64, procs, perProc int) *crawl {
	g := newWordGen(seed)
	c := &crawl{feeds: make([][]article, procs)}
	// Shared stories: story j has 2 + j%3 copies, in consecutive
	// processes from j%procs.
	sharedOf := make([][]article, procs)
	for j := 0; ; j++ {
		copies := min(2+j%3, procs)
		full := false
		for k := range copies {
			p := (j + k) % procs
			if len(sharedOf[p]) >= perProc*3/10 {
				full = true
			}
		}
		if full {
			break
		}
		title, paras := g.story()
		for k := range copies {
			p := (j + k) % procs
			t, ps := title, paras
			if k > 0 {
				t, ps = g.edit(title, paras)
			}
			id := fmt.Sprintf("p%d-s%d", p, c.stories)
			sharedOf[p] = append(sharedOf[p], article{doc: makeDoc(id, t, ps), story: c.stories})
		}
		c.stories++
		c.shared++
	}
	for p := range procs {
		sh := sharedOf[p]
		next := 0
		for i := range perProc {
			// Spread the shared copies evenly through the feed.
			if next < len(sh) && i >= next*perProc/len(sh) {
				c.feeds[p] = append(c.feeds[p], sh[next])
				next++
				continue
			}
			title, paras := g.story()
			id := fmt.Sprintf("p%d-u%d", p, c.stories)
			c.feeds[p] = append(c.feeds[p], article{doc: makeDoc(id, title, paras), story: c.stories})
			c.stories++
		}
	}
	return c
}
