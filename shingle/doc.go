// Package shingle normalises text, splits it into words, and turns words
// and characters into n-gram shingle hashes for near-duplicate detection.
// It knows nothing about articles: everything here works on plain strings.
//
// # Normalisation
//
// Normalize (and AppendNormalized) repairs invalid UTF-8, removes invisible
// format characters (soft hyphen, zero-width space/non-joiner/joiner, word
// joiner, byte order mark), applies NFKC, full Unicode case folding and NFKC
// again, maps typographic quotes to ' and ", dashes to -, the ellipsis to
// "...", and collapses white space and control characters to single spaces,
// trimming both ends. It is idempotent. Cherokee is folded to capital
// letters, as Unicode case folding specifies.
//
// # Tokens
//
// A Tokenizer (and Words, AppendWords) yields words:
//
//   - A word starts with a letter (unicode.IsLetter) or a decimal digit
//     (unicode.IsDigit, any script) and continues over letters, digits and
//     combining marks (Unicode category M). A mark that does not follow a
//     word character is skipped.
//   - An apostrophe between two parts of a word is removed and the word
//     continues: "don't" and "don’t" both give "dont", "Assad's" gives
//     "assads". An apostrophe is ' or any character Normalize maps to it
//     (‘ ’ ‚ ‛ ′ ‵ ‹ › ＇). An apostrophe not followed by a letter or digit
//     ends the word and is dropped.
//   - The invisible characters Normalize removes are ignored, also inside
//     words. Everything else separates words: spaces, punctuation, hyphens
//     and dashes ("well-known" is two words), symbols, and characters such
//     as superscripts and circled numbers that are not letters or decimal
//     digits before normalisation.
//   - Scripts written without spaces (Chinese, Japanese, Thai, ...) are not
//     segmented: a run of such letters is one token.
//   - Each word is NFKC-normalised and case-folded like Normalize does
//     ("ﬁ" → "fi", "ＡＢＣ１２３" → "abc123", "Straße" → "strasse");
//     anything the normalisation turns into a non-word character is dropped.
//
// ASCII words, and words whose runes are all "inert" (already NFKC and case
// folded, like é or Cyrillic lower case), take a fast path that copies bytes
// and lower-cases ASCII; other words go through NFKC and case folding in
// reused buffers. Neither allocates once the Tokenizer's buffers have grown.
// The rune class table behind this is built on first use of non-ASCII text
// (a few milliseconds). Normalize uses the same fast path for each stretch
// of text between ASCII spaces.
//
// # Hashes
//
// Hash is XXH64 with seed 0 (github.com/cespare/xxhash/v2). Word and
// shingle hashes are meant to be persisted, so their definition is fixed:
// the value for an input never changes between processes, machines or
// releases. Any change to the hash, the normalisation, the token rules or
// the mixing below comes with a new FormatVersion; callers that store
// hashes store FormatVersion with them.
//
// # Shingles
//
// A word shingle of n words w1..wn hashes the words' hashes in order:
//
//	XXH64(LE64(Hash(w1)) || LE64(Hash(w2)) || ... || LE64(Hash(wn)))
//
// where LE64 is the 8-byte little-endian encoding and Hash(w) is the hash of
// the normalised token bytes. A text of k words, 0 < k < n, yields exactly
// one shingle, made the same way from its k words; an empty text (no words)
// yields none.
//
// A character shingle hashes the UTF-8 bytes of n consecutive runes of the
// normalised text (Normalize), spaces included: XXH64(runes i..i+n-1). A
// text of k runes, 0 < k < n, yields one shingle of all its runes; an
// empty text yields none.
//
// WordShingler and CharShingler are the streaming forms; WordShingles,
// AppendWordShingles, CharShingles and AppendCharShingles are the one-shot
// forms and produce exactly the same hashes.
package shingle
