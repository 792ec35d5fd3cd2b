package wrap

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fill wraps text greedily at width, as fmt and text browsers do.
func fill(text string, width int) []string {
	var lines []string
	var cur []string
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len([]rune(w)) > width {
			lines = append(lines, strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if n > 0 {
			n++
		}
		cur = append(cur, w)
		n += len([]rune(w))
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

var story = []string{
	"The regional operator will run a sleeper service between the coast and the mountain towns from March, ending a gap of eleven years in which the valley had no train after eight in the evening.",
	"Tickets go on sale next week. A seat will cost about as much as the late bus, and a bed in a shared compartment a little more, the operator said on Tuesday.",
	"Local councils had asked for the service since the last night train was cut in a round of savings. Hotel owners in the upper valley said guests from the capital now arrive by car or not at all.",
	"The carriages come from a line in the north that closed last year and have been refitted at the depot in the port, where forty people worked on them over the winter.",
}

var geschichte = []string{
	"Der Nachtzug fährt vom März an wieder zwischen der Küste und den Bergdörfern, nach elf Jahren, in denen nach acht Uhr abends kein Zug mehr ins Tal fuhr.",
	"Die Fahrkarten kommen nächste Woche in den Verkauf. Ein Sitzplatz kostet etwa so viel wie der späte Bus, ein Bett im Abteil etwas mehr, sagte der Betreiber am Dienstag.",
	"Die Gemeinden hatten seit Jahren nach dem Zug gefragt. Hoteliers im oberen Tal sagen, dass ihre Gäste aus der Hauptstadt heute mit dem Auto kommen oder gar nicht.",
}

// wrapped returns paras wrapped at width, a paragraph after another.
func wrapped(paras []string, width int) []string {
	var lines []string
	for _, p := range paras {
		lines = append(lines, fill(p, width)...)
	}
	return lines
}

func TestWidth(t *testing.T) {
	page := []string{"Home", "News", "Sport", "Weather", "Night trains return to the valley line", "By Anna Berg"}
	page = append(page, wrapped(story, 72)...)
	page = append(page, "Related articles", "Coastal ferry timetable changes for the summer", "Mountain pass to close for repairs in April", "Share this article")
	// A short story amid a page's menus, dumped at 72: of fifteen long
	// lines, the two longest are the story's, above the quantile.
	brief := []string{"Latest Business News", "Southeastern Massachusetts News", "Massachusetts State Headlines", "Patriots Path to Perfection", "Coastal ferry timetable changes", "Mountain pass to close in April"}
	brief = append(brief, wrapped(story[:3], 72)...)
	brief = append(brief, "Copyright Valley News 2008 Contact Us")
	// A deals page's text (a paragraph a line): teasers, menus and
	// comments of every length up to 132, a few past it. Its 90th
	// percentile is 111; counted from the longest line within 10% above
	// it, the lines that run over would be three and the page wrapped.
	var deals []string
	for _, n := range []int{
		20, 20, 20, 21, 21, 22, 22, 22, 23, 23, 24, 24, 25, 25, 25, 26, 28, 28, 29, 29, 29, 29, 29, 29,
		30, 30, 30, 31, 33, 35, 36, 36, 37, 37, 37, 38, 39, 39, 40, 41, 41, 42, 45, 46, 46, 47, 47, 50,
		51, 51, 51, 51, 51, 51, 51, 51, 52, 54, 54, 55, 59, 60, 61, 62, 64, 67, 67, 69, 73, 74, 75, 77,
		81, 81, 83, 85, 86, 98, 99, 103, 103, 104, 106, 111, 111, 116, 118, 121, 123, 128, 130, 132, 138, 166, 218} {
		deals = append(deals, strings.Repeat("Deal ", n/5+1)[:n])
	}
	menus := []string{}
	for i := 0; i < 12; i++ {
		menus = append(menus, "Mountain pass to close for repairs in April and May next year")
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  int
	}{
		{"english at 72", wrapped(story, 72), 72},
		{"english at 60", wrapped(story, 60), 60},
		{"german at 64", wrapped(geschichte, 64), 64},
		{"a page's dump at 72, menus and all", page, 72},
		{"a short story amid menus at 72", brief, 72},
		{"a paragraph a line", story, 0},
		{"a deals page, a paragraph a line", deals, 0},
		{"a paragraph a line, german", geschichte, 0},
		{"too few lines", wrapped(story[:1], 72), 0},
		// Lines of one length that end sentences: a list of teasers,
		// not a wrapped text.
		{"headlines that end sentences", func() []string {
			var l []string
			for i := 0; i < 12; i++ {
				l = append(l, "Mountain pass to close for repairs in April, the council says.")
			}
			return l
		}(), 0},
		// A paragraph of prose among them runs past the width.
		{"teasers and paragraphs", append(append([]string{}, menus...), story...), 0},
		{"nothing", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Width(tc.lines)
			if tc.want == 0 {
				assert.Zero(t, got)
				return
			}
			// The width read off the lines is that of the longest
			// lines but a few: at most the wrapper's, and close to it.
			assert.LessOrEqual(t, got, tc.want)
			assert.GreaterOrEqual(t, got, tc.want-6)
		})
	}
}

func TestUnwrapJoinsParagraphs(t *testing.T) {
	for _, width := range []int{50, 60, 72, 80} {
		lines := wrapped(story, width)
		paras, first := Unwrap(lines, Width(lines), "", nil)
		require.Len(t, first, len(paras))
		assert.Equal(t, 0, first[0])
		// Every paragraph comes back whole, or split where a line
		// ended a sentence and the next began one: never inside a
		// sentence.
		assert.Equal(t, strings.Join(story, " "), strings.Join(paras, " "), "width %d", width)
		assert.LessOrEqual(t, len(paras), len(story)+1, "width %d", width)
		for _, p := range paras {
			assert.True(t, endsSentence(p), "width %d: %q", width, p)
		}
	}
	lines := wrapped(story, 72)
	paras, _ := Unwrap(lines, Width(lines), "", nil)
	assert.Equal(t, story, paras)
	lines = wrapped(geschichte, 64)
	paras, _ = Unwrap(lines, Width(lines), "", nil)
	assert.Equal(t, geschichte, paras)
}

func TestUnwrapKeepsLinesApart(t *testing.T) {
	const width = 60
	for _, tc := range []struct {
		name string
		a, b string
		on   bool
	}{
		{"next word would not fit", "The regional operator will run a sleeper service between the", "coast and the mountain towns", true},
		{"full, inside a sentence, lower case next", "Albums from Bruce Springsteen, Britney Spears and the", "bands that are among those being sold", true},
		// A wrapper that balances its lines broke before a name: the
		// sentence is split, not joined with the next item of a list.
		{"full, inside a sentence, capital next", "Albums from Bruce Springsteen, Britney Spears and Bob", "Dylan are among those being sold", false},
		{"items of a list, each full", "* Sean Franklin (California State, Northridge)", "Matt Hatzke (Santa Clara University)", false},
		{"short line: the writer's break", "By Anna Berg", "The regional operator will run a sleeper service", false},
		{"a sentence ends, the next begins", "A seat will cost about as much as the late bus this winter.", "Tickets go on sale next week", false},
		{"a sentence ends, lower case goes on", "The operator said on Tuesday that the trains would run to 3 p.m.", "and later on Sundays", true},
		{"an item of a list", "The carriages come with the following, the operator said in its", "* beds for forty people", false},
		{"a numbered item", "The carriages come with the following, the operator said in its", "2. a dining car", false},
		{"empty", "", "coast", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.on, runsOn(tc.a, tc.b, width))
		})
	}
}

func TestUnwrapTitleStandsAlone(t *testing.T) {
	title := "Sony BMG to Start to Sell Unprotected Digital Albums in MP3"
	byline := "Bloomberg News, New York"
	lines := append([]string{title, byline}, wrapped(story, 64)...)
	w := Width(lines)
	require.InDelta(t, 62, w, 2)
	paras, first := Unwrap(lines, w, title, nil)
	require.NotNil(t, first)
	assert.Equal(t, title, paras[0])
	assert.Equal(t, byline, paras[1])
	assert.Equal(t, story, paras[2:])
	// Without the title, the headline, too full for the byline's first
	// word, runs on into it.
	paras, _ = Unwrap(lines, w, "", nil)
	assert.Equal(t, title+" "+byline, paras[0])
}

// TestUnwrapBlankLineBreaks checks that a blank line is the writer's
// paragraph break: a list item as long as the width, which the next
// item's first word would not have fitted after, runs on into it when
// nothing says otherwise, and not across a blank line.
func TestUnwrapBlankLineBreaks(t *testing.T) {
	lines := append(wrapped(story, 64),
		"Below is the list of players who have been invited to the",
		"combine:",
		"Brian Edwards (Wake Forest University)",
		"* Sean Franklin (California State University of Northridge)",
		"Matt Hatzke (Santa Clara University)")
	w := Width(lines)
	require.NotZero(t, w)
	n := len(lines)
	paras, _ := Unwrap(lines, w, "", nil)
	require.Equal(t, lines[n-2]+" "+lines[n-1], paras[len(paras)-1], "no break marked: the item runs on")

	breaks := make([]bool, n)
	breaks[n-1], breaks[n-2], breaks[n-3] = true, true, true
	paras, _ = Unwrap(lines, w, "", breaks)
	assert.Equal(t, lines[n-3:], paras[len(paras)-3:], "each item after a blank line stands alone")
	assert.Equal(t, lines[n-5]+" "+lines[n-4], paras[len(paras)-4], "the introduction, wrapped, is joined")
}

func TestUnwrapNothingToJoin(t *testing.T) {
	paras, first := Unwrap(story, 0, "", nil)
	assert.Equal(t, story, paras)
	assert.Nil(t, first)
	short := []string{"Home", "News", "Sport"}
	paras, first = Unwrap(short, 72, "", nil)
	assert.Equal(t, short, paras)
	assert.Nil(t, first)
}

func TestRuneCount(t *testing.T) {
	for _, s := range []string{
		"", "a", "exactly8", "nine bytes", "a line of plain ASCII text longer than a word",
		"Größe", "ein längerer Satz über die Größe", "北京时间十二月七日，", "mixed ASCII then 北京 then ASCII again",
		"\xff", "bad \xc3 byte in ASCII", "\x80\x80\x80\x80\x80\x80\x80\x80\x80", "end on a cut rune \xe5\x8c",
	} {
		assert.Equal(t, utf8.RuneCountInString(s), runeCount(s), "%q", s)
	}
}

// FuzzRuneCount checks runeCount against utf8.RuneCountInString, invalid
// UTF-8 included.
func FuzzRuneCount(f *testing.F) {
	f.Add("a line of plain ASCII text")
	f.Add("北京时间 and ASCII \xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
			t.Fatalf("runeCount(%q) = %d, want %d", s, got, want)
		}
	})
}

// FuzzUnwrap checks that Unwrap neither loses nor reorders a line: its
// paragraphs are runs of the lines, in order, joined by spaces.
func FuzzUnwrap(f *testing.F) {
	f.Add(strings.Join(wrapped(story, 60), "\n"), "")
	f.Add(strings.Join(wrapped(geschichte, 64), "\n"), "Der Nachtzug")
	f.Add("a\n\nb\n* c\n1. d", "a")
	f.Fuzz(func(t *testing.T, text, title string) {
		lines := strings.Split(text, "\n")
		w := Width(lines)
		if w != 0 && (w < minWidth || w > maxWidth) {
			t.Fatalf("width %d out of range", w)
		}
		paras, first := Unwrap(lines, max(w, 40), title, nil)
		if first == nil {
			if len(paras) != len(lines) {
				t.Fatalf("%d paragraphs of %d lines", len(paras), len(lines))
			}
			return
		}
		if len(first) != len(paras) || first[0] != 0 {
			t.Fatalf("first %v for %d paragraphs", first, len(paras))
		}
		for i, p := range paras {
			end := len(lines)
			if i+1 < len(first) {
				end = first[i+1]
			}
			if end <= first[i] {
				t.Fatalf("first %v not increasing", first)
			}
			if want := strings.Join(lines[first[i]:end], " "); p != want {
				t.Fatalf("paragraph %d is %q, lines make %q", i, p, want)
			}
		}
	})
}

// benchLines returns ten copies of the story, wrapped at 72 or not, and
// their size in bytes.
func benchLines(wrap bool) ([]string, int64) {
	var lines []string
	for range 10 {
		if wrap {
			lines = append(lines, wrapped(story, 72)...)
		} else {
			lines = append(lines, story...)
		}
	}
	size := 0
	for _, l := range lines {
		size += len(l) + 1
	}
	return lines, int64(size)
}

func BenchmarkWidth(b *testing.B) {
	lines, size := benchLines(true)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if w := Width(lines); w == 0 {
			b.Fatal("not wrapped")
		}
	}
}

// BenchmarkWidthUnwrapped is what most bodies cost: a paragraph a line.
func BenchmarkWidthUnwrapped(b *testing.B) {
	lines, size := benchLines(false)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if w := Width(lines); w != 0 {
			b.Fatal("wrapped")
		}
	}
}

func BenchmarkUnwrap(b *testing.B) {
	lines, size := benchLines(true)
	w := Width(lines)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		Unwrap(lines, w, "", nil)
	}
}
